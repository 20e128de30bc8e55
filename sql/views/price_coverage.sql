-- How far each registered index reaches, and from which sources; indexes with no data show up
-- with zero sessions rather than disappearing.
CREATE OR REPLACE VIEW price_coverage AS
WITH registry AS (
    SELECT symbol, name, data_source FROM indexes
),

stored AS (
    SELECT
        symbol,
        min(trade_date)                               AS first_date,
        max(trade_date)                               AS last_date,
        count(*)                                      AS sessions,
        string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
    FROM prices
    GROUP BY symbol
),

final AS (
    SELECT
        coalesce(r.symbol, s.symbol)  AS symbol,
        r.name,
        s.first_date,
        s.last_date,
        coalesce(s.sessions, 0)       AS sessions,
        s.sources,
        r.data_source
    FROM registry AS r
    FULL OUTER JOIN stored AS s ON s.symbol = r.symbol
)

SELECT * FROM final ORDER BY symbol;

COMMENT ON VIEW price_coverage IS 'Per index: first and last stored session, session count and sources; zero sessions where no data exists.';
COMMENT ON COLUMN price_coverage.symbol IS 'Index symbol.';
COMMENT ON COLUMN price_coverage.name IS 'Index name from the registry (NULL for a symbol not in the registry, e.g. an import).';
COMMENT ON COLUMN price_coverage.first_date IS 'First stored trading day.';
COMMENT ON COLUMN price_coverage.last_date IS 'Last stored trading day (the data as-of date).';
COMMENT ON COLUMN price_coverage.sessions IS 'Number of stored trading days.';
COMMENT ON COLUMN price_coverage.sources IS 'Distinct sources of the stored rows.';
COMMENT ON COLUMN price_coverage.data_source IS 'Where the registry says daily values come from.';
