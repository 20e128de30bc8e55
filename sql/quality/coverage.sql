-- Per symbol with prices: missing sessions by severity, unexplained ones listed.
WITH symbols AS (
    SELECT DISTINCT symbol FROM prices
),

gaps AS (
    SELECT
        symbol,
        count(*) FILTER (WHERE severity = 'unexplained')  AS unexplained,
        count(*) FILTER (WHERE severity = 'documented')   AS documented,
        string_agg(strftime(session, '%Y-%m-%d'), ', ' ORDER BY session)
            FILTER (WHERE severity = 'unexplained')       AS unexplained_sessions,
        any_value(reason) FILTER (WHERE severity = 'unexplained') AS reason
    FROM coverage_gaps
    GROUP BY symbol
)

SELECT s.symbol, coalesce(g.unexplained, 0) AS unexplained,
       coalesce(g.documented, 0) AS documented, g.unexplained_sessions, g.reason
FROM symbols AS s
LEFT JOIN gaps AS g USING (symbol)
ORDER BY s.symbol
