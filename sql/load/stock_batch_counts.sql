-- Before storing stock_batch under $source: rows received, new, changed and unchanged
-- (re-served within rounding noise: same_stock_bar), and the span of days, for load_runs.
SELECT count(*) AS received,
       count(*) FILTER (WHERE p.stock_code IS NULL) AS inserted,
       count(*) FILTER (WHERE p.stock_code IS NOT NULL AND NOT same_stock_bar(
           b.open, b.high, b.low, b.close, b.adj_close, b.volume, b.price_basis,
           p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.price_basis)) AS updated,
       count(*) FILTER (WHERE p.stock_code IS NOT NULL AND same_stock_bar(
           b.open, b.high, b.low, b.close, b.adj_close, b.volume, b.price_basis,
           p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.price_basis)) AS unchanged,
       min(CAST(b.trade_date AS DATE)) AS first_date,
       max(CAST(b.trade_date AS DATE)) AS last_date
FROM stock_batch AS b
LEFT JOIN stock_prices AS p
    ON p.stock_code = b.stock_code AND p.listing_date = CAST(b.listing_date AS DATE)
   AND p.trade_date = CAST(b.trade_date AS DATE) AND p.source = $source
