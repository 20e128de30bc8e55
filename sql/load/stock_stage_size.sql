-- Rows, listings and date span of the staged file.
SELECT
    count(*)                                    AS n_rows,
    count(DISTINCT (stock_code, listing_date))  AS n_listings,
    min(trade_date)                             AS first_date,
    max(trade_date)                             AS last_date
FROM stock_stage
