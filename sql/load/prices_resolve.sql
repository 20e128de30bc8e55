-- Resolve the one price per symbol and day of every staged day from all its observations, in
-- one grouping (which DuckDB can spill to disk): open, high, low and close come together from
-- the source of best rank (source_rank, then name), NULLs included, so they stay consistent
-- with each other; adjusted close, volume and turnover from the best-ranked source that has
-- them. An observation whose open or close lies outside its own high-low range (kept as the
-- source said it) wins only where no consistent one exists.
CREATE OR REPLACE TEMP TABLE stage_resolved AS
WITH touched AS (
    SELECT DISTINCT symbol, trade_date FROM stage_prices
),

observed AS (
    SELECT
        o.*,
        {'inconsistent': coalesce(o.close NOT BETWEEN o.low AND o.high
                                  OR o.open NOT BETWEEN o.low AND o.high, false),
         'rank': source_rank(o.source),
         'source': o.source} AS precedence
    FROM price_observations AS o
    JOIN touched USING (symbol, trade_date)
)

SELECT
    symbol,
    trade_date,
    arg_min_null(open, precedence)    AS open,
    arg_min_null(high, precedence)    AS high,
    arg_min_null(low, precedence)     AS low,
    arg_min_null(close, precedence)   AS close,
    arg_min(adj_close, precedence)    AS adj_close,
    arg_min(volume, precedence)       AS volume,
    arg_min(turnover_hkd, precedence) AS turnover_hkd,
    arg_min(source, precedence)       AS source
FROM observed
GROUP BY symbol, trade_date
