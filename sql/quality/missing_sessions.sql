-- XHKG sessions inside each symbol's stored range that are not stored and not documented
-- closures, calendar errors or known gaps.
WITH ranges AS (
    SELECT symbol, min(trade_date) AS first_date, max(trade_date) AS last_date
    FROM prices
    GROUP BY symbol
),

expected AS (
    SELECT r.symbol, s.session
    FROM ranges AS r
    JOIN xhkg_sessions AS s ON s.session BETWEEN r.first_date AND r.last_date
),

missing AS (
    SELECT e.symbol, e.session
    FROM expected AS e
    ANTI JOIN prices AS p ON p.symbol = e.symbol AND p.trade_date = e.session
),

undocumented AS (
    SELECT m.*
    FROM missing AS m
    WHERE NOT EXISTS (
        SELECT 1 FROM calendar_exceptions AS x
        WHERE x.kind IN ('closure', 'calendar_gap', 'data_gap')
          AND x.date = m.session AND x.symbol IN (m.symbol, '*'))
)

SELECT symbol, strftime(session, '%Y-%m-%d') AS session FROM undocumented
ORDER BY symbol, session
