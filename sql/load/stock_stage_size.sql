-- Rows, listings and date span of the staged file.
SELECT
    count(*)                                            AS n_rows,
    count(DISTINCT (stock_code, listing_date))          AS n_listings,
    min(CAST(trade_date AS DATE))                       AS first_date,
    max(CAST(trade_date AS DATE))                       AS last_date
FROM stock_stage
