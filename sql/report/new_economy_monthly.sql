-- Listed new-economy issuers at each month end from the reform to the month of the data's
-- end (listings_data_end(); else the last listing), per definition (through new_economy_tiers_at).
WITH span AS (
    SELECT coalesce(listings_data_end(), max(listing_date), DATE '2018-04-30') AS last_listing
    FROM new_economy_listings
),

months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM span,
         range(DATE '2018-04-01', span.last_listing + INTERVAL 1 DAY, INTERVAL 1 MONTH) AS t(m)
)

SELECT t.as_of AS month_end, t.core, t.broad, t.new_consumer
FROM months AS m, LATERAL new_economy_tiers_at(m.month_end) AS t
ORDER BY month_end
