-- new_economy_listings as its suite sees it: dates as ISO text and as YYYYMMDD numbers.
WITH listings AS (
    SELECT * FROM new_economy_listings
),

final AS (
    SELECT
        stock_code,
        strftime(listing_date, '%Y-%m-%d')          AS listing_date,
        strftime(delisting_date, '%Y-%m-%d')        AS delisting_date,
        strftime(listing_date, '%Y%m%d')::INTEGER   AS listing_yyyymmdd,
        strftime(delisting_date, '%Y%m%d')::INTEGER AS delisting_yyyymmdd,
        tier,
        industry_scheme,
        markers,
        basis,
        source
    FROM listings
)

SELECT * FROM final ORDER BY stock_code, listing_date
