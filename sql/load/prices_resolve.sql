-- Resolve the one price per symbol and day of every staged day from all its observations:
-- open, high, low and close come together from the source of best rank (source_rank), so they
-- stay consistent with each other; adjusted close, volume and turnover from the best-ranked
-- source that has them. A resolved row is written only when it changed.
WITH touched AS (
    SELECT DISTINCT symbol, trade_date FROM stage_prices
),

observed AS (
    SELECT o.*, source_rank(o.source) AS rank
    FROM price_observations AS o
    JOIN touched USING (symbol, trade_date)
),

winner AS (
    SELECT symbol, trade_date, source, open, high, low, close
    FROM observed
    QUALIFY row_number() OVER (PARTITION BY symbol, trade_date ORDER BY rank, source) = 1
),

filled AS (
    SELECT
        symbol,
        trade_date,
        arg_min(adj_close, rank) FILTER (WHERE adj_close IS NOT NULL)        AS adj_close,
        arg_min(volume, rank) FILTER (WHERE volume IS NOT NULL)              AS volume,
        arg_min(turnover_hkd, rank) FILTER (WHERE turnover_hkd IS NOT NULL)  AS turnover_hkd
    FROM observed
    GROUP BY symbol, trade_date
)

INSERT INTO prices AS p (symbol, trade_date, open, high, low, close, adj_close, volume,
                         turnover_hkd, source, loaded_at)
SELECT w.symbol, w.trade_date, w.open, w.high, w.low, w.close, f.adj_close, f.volume,
       f.turnover_hkd, w.source, $loaded_at::TIMESTAMP
FROM winner AS w
JOIN filled AS f USING (symbol, trade_date)
ON CONFLICT (symbol, trade_date) DO UPDATE SET
    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
    adj_close = excluded.adj_close, volume = excluded.volume,
    turnover_hkd = excluded.turnover_hkd, source = excluded.source,
    loaded_at = excluded.loaded_at
WHERE (excluded.open, excluded.high, excluded.low, excluded.close, excluded.adj_close,
       excluded.volume, excluded.turnover_hkd, excluded.source)
      IS DISTINCT FROM (p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.turnover_hkd,
                        p.source)
