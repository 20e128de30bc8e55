-- Rows and listings one source holds in stock_prices.
SELECT count(*) AS n_rows, count(DISTINCT (stock_code, listing_date)) AS n_listings
FROM stock_prices
WHERE source = $source
