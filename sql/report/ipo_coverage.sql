-- What the IPO data covers: listings per ipo_performance.coverage category (priced; stored
-- prices but no close on the listing session; no prices and why), with the span of listing
-- dates and the earliest listing's coverage_note as an example.
WITH listings AS (
    SELECT stock_code, listing_date, coverage, coverage_note FROM ipo_performance
),

grouped AS (
    SELECT
        coverage,
        count(*)                                               AS listings,
        min(listing_date)                                      AS first_listing,
        max(listing_date)                                      AS last_listing,
        arg_min(coverage_note, (listing_date, stock_code))     AS example_note
    FROM listings
    GROUP BY coverage
)

SELECT
    coverage,
    listings,
    round(100.0 * listings / sum(listings) OVER (), 1) AS share_pct,
    first_listing,
    last_listing,
    example_note
FROM grouped
ORDER BY coverage = 'priced' DESC, listings DESC, coverage
