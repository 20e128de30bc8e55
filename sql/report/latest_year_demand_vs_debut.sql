-- Demand against debut for the data's last year: listings with both a public subscription
-- multiple (ipo_demand) and a debut return (ipo_performance), grouped by multiple band.
-- Medians over the listings in each band; n says how many.
WITH latest AS (
    SELECT
        p.debut_return,
        d.public_subscription_multiple AS multiple,
        d.subscription_note
    FROM ipo_performance AS p
    INNER JOIN ipo_demand AS d USING (stock_code, listing_date)
    WHERE year(p.listing_date) = year(listings_data_end())
      AND p.debut_return IS NOT NULL
      AND (d.public_subscription_multiple IS NOT NULL OR d.subscription_note = 'Under-Sub.')
),

banded AS (
    SELECT
        *,
        CASE
            WHEN subscription_note = 'Under-Sub.' OR multiple < 1 THEN '1 under-subscribed'
            WHEN multiple < 100 THEN '2 1-100x'
            WHEN multiple < 1000 THEN '3 100-1000x'
            ELSE '4 1000x and more'
        END AS band
    FROM latest
)

SELECT
    substr(band, 3) AS public_subscription,
    count(*) AS n,
    round(median(debut_return), 2) AS median_debut_return,
    round(avg(CASE WHEN debut_return > 0 THEN 1.0 ELSE 0.0 END) * 100, 0) AS pct_up_on_debut
FROM banded
GROUP BY band
ORDER BY band
