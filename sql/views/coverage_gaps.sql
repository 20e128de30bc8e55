-- XHKG sessions missing from a symbol's prices inside its stored range, each with its reason
-- and severity: documented (a closure, a calendar error or a known data gap in
-- expectations/xhkg_exceptions.csv) or unexplained (no source served it; check fails).
CREATE OR REPLACE VIEW coverage_gaps AS
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

sources AS (
    SELECT symbol, string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
    FROM price_observations
    GROUP BY symbol
),

explained AS (
    SELECT
        m.symbol,
        m.session,
        (SELECT first(x.kind || ': ' || x.reason ORDER BY x.kind) FROM calendar_exceptions AS x
         WHERE x.kind IN ('closure', 'calendar_gap', 'data_gap')
           AND x.date = m.session AND x.symbol IN (m.symbol, '*')) AS documented
    FROM missing AS m
),

final AS (
    SELECT
        e.symbol,
        e.session,
        CASE WHEN e.documented IS NULL THEN 'unexplained' ELSE 'documented' END AS severity,
        coalesce(e.documented, 'no source served this session (sources: '
                 || coalesce(s.sources, 'none') || ')') AS reason
    FROM explained AS e
    LEFT JOIN sources AS s USING (symbol)
)

SELECT * FROM final ORDER BY symbol, session;

COMMENT ON VIEW coverage_gaps IS 'XHKG sessions missing inside each symbol''s stored range, with reason and severity (documented or unexplained); check fails coverage:<symbol> on unexplained ones.';
COMMENT ON COLUMN coverage_gaps.symbol IS 'Index symbol.';
COMMENT ON COLUMN coverage_gaps.session IS 'The missing XHKG session.';
COMMENT ON COLUMN coverage_gaps.severity IS 'documented (listed in expectations/xhkg_exceptions.csv) or unexplained.';
COMMENT ON COLUMN coverage_gaps.reason IS 'The documented reason, or which sources were tried.';
