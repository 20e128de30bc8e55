-- Demand against debut for the data's last year (ipo_demand_debut, whose bands are the one
-- band rule): n per band, the median debut and the share up on debut.
SELECT
    band AS public_subscription,
    count(*) AS n,
    round(median(debut_return), 2) AS median_debut_return,
    round(avg(CASE WHEN debut_return > 0 THEN 1.0 ELSE 0.0 END) * 100, 0) AS pct_up_on_debut
FROM ipo_demand_debut
WHERE listing_year = year(listings_data_end())
GROUP BY band, band_order
ORDER BY band_order
