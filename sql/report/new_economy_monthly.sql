-- Listed new-economy issuers at each month end since the reform, per definition.
WITH months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM range(DATE '2018-04-01', DATE '2026-01-01', INTERVAL 1 MONTH) AS t(m)
),

listings AS (
    SELECT listing_date, delisting_date,
           tier_rank(tier) AS tier_rank
    FROM new_economy_listings
)

SELECT
    m.month_end,
    count(l.listing_date) FILTER (WHERE l.tier_rank <= 1) AS core,
    count(l.listing_date) FILTER (WHERE l.tier_rank <= 2) AS broad,
    count(l.listing_date) FILTER (WHERE l.tier_rank <= 3) AS new_consumer
FROM months AS m
LEFT JOIN listings AS l
    ON l.listing_date <= m.month_end
   AND (l.delisting_date IS NULL OR l.delisting_date > m.month_end)
GROUP BY m.month_end
ORDER BY m.month_end
