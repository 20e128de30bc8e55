-- Listings of the data's last year (the year of listings_data_end()) by month and listing
-- route (listing_route over the markers and the compilation's sourced route), with the funds
-- raised where sourced and how many offers lack that figure.
WITH latest AS (
    SELECT
        l.stock_code, l.listing_date, l.listing_type,
        listing_route(l.markers, d.route) AS route,
        o.funds_raised_hkd
    FROM new_economy_listings AS l
    LEFT JOIN ipo_demand AS d USING (stock_code, listing_date)
    LEFT JOIN ipo_offers AS o USING (stock_code, listing_date)
    WHERE year(l.listing_date) = year(listings_data_end())
      AND l.listing_date <= listings_data_end()
)

SELECT
    strftime(listing_date, '%Y-%m') AS month,
    route,
    count(*) AS listings,
    round(sum(funds_raised_hkd) / 1e9, 2) AS funds_raised_hkd_bn,
    count(*) FILTER (WHERE funds_raised_hkd IS NULL) AS without_funds
FROM latest
GROUP BY ALL
ORDER BY month, route
