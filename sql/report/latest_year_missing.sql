-- What the data's last year lacks: its listings, and how many have no offer price, no funds
-- raised, no demand facts, no debut return; then what data_coverage says is not covered.
WITH latest AS (
    SELECT l.stock_code, l.listing_date, o.offer_price, o.funds_raised_hkd,
           d.public_subscription_multiple, d.subscription_note, p.debut_return
    FROM new_economy_listings AS l
    LEFT JOIN ipo_offers AS o USING (stock_code, listing_date)
    LEFT JOIN ipo_demand AS d USING (stock_code, listing_date)
    LEFT JOIN ipo_performance AS p USING (stock_code, listing_date)
    WHERE year(l.listing_date) = year(listings_data_end())
      AND l.listing_date <= listings_data_end()
)

SELECT 'listings' AS measure, count(*) AS listings,
       format('{}-01-01 to {}', year(listings_data_end()), listings_data_end()) AS note
FROM latest
UNION ALL
SELECT 'no offer price', count(*) FILTER (WHERE offer_price IS NULL),
       'introductions have none' FROM latest
UNION ALL
SELECT 'no funds raised', count(*) FILTER (WHERE funds_raised_hkd IS NULL),
       'missing in the source, or no offer' FROM latest
UNION ALL
SELECT 'no subscription multiple',
       count(*) FILTER (WHERE public_subscription_multiple IS NULL
                        AND subscription_note IS NULL),
       'no demand source for the listing' FROM latest
UNION ALL
SELECT 'no debut return', count(*) FILTER (WHERE debut_return IS NULL),
       'no stored first close (ipo_performance.debut_note says why)' FROM latest
UNION ALL
SELECT 'not covered', NULL, not_covered
FROM data_coverage WHERE dataset = 'new_economy_listings'
