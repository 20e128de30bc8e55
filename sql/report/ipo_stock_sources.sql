-- The stock price series the IPO figures come from: per source and price basis, how many
-- listings, how many rows, and the first and last trading day held.
WITH per_source AS (
    SELECT
        source,
        price_basis,
        count(DISTINCT (stock_code, listing_date)) AS listings,
        count(*)                                   AS rows,
        min(trade_date)                            AS first_date,
        max(trade_date)                            AS last_date
    FROM stock_prices
    GROUP BY source, price_basis
)

SELECT source, price_basis, listings, rows, first_date, last_date
FROM per_source
ORDER BY source, price_basis
