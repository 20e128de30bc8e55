-- The staged price file without its exact duplicates (the first line of each kept), sorted by
-- date: what hkpipe.prices.validate returns for the same rows. Run after price_stage_clash
-- found no date given twice with different values, so one row per symbol and date.
SELECT
    symbol,
    min(line) AS _line,
    trade_date,
    open,
    high,
    low,
    close,
    adj_close,
    volume,
    turnover_hkd
FROM price_stage
GROUP BY ALL
ORDER BY symbol, trade_date
