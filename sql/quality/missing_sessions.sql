-- XHKG sessions inside each symbol's stored range that no source served and no documented
-- exception explains (the coverage_gaps view holds the rule).
SELECT symbol, strftime(session, '%Y-%m-%d') AS session
FROM coverage_gaps
WHERE severity = 'unexplained'
ORDER BY symbol, session
