-- Last stored trading day per listing of $source (a universe refresh starts a few sessions
-- before it): (stock_code, listing_date, last_date).
SELECT stock_code, listing_date, max(trade_date) AS last_date
FROM stock_prices
WHERE source = $source
GROUP BY stock_code, listing_date
