-- Before storing stock_batch under $source: rows received, new and already stored, and the
-- span of days, for the load_runs record.
SELECT count(*) AS received,
       count(*) FILTER (WHERE p.stock_code IS NULL) AS inserted,
       count(*) FILTER (WHERE p.stock_code IS NOT NULL) AS existing,
       min(CAST(b.trade_date AS DATE)) AS first_date,
       max(CAST(b.trade_date AS DATE)) AS last_date
FROM stock_batch AS b
LEFT JOIN stock_prices AS p
    ON p.stock_code = b.stock_code AND p.listing_date = CAST(b.listing_date AS DATE)
   AND p.trade_date = CAST(b.trade_date AS DATE) AND p.source = $source
