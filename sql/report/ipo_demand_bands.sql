-- Debut return by public-offer subscription band over every listing with both facts
-- (ipo_demand_debut): N per band, the median and mean debut, and the share up on debut.
SELECT
    band AS public_subscription,
    count(*) AS n,
    min(listing_year) || '-' || max(listing_year) AS years,
    round(median(debut_return), 1) AS median_debut_return,
    round(avg(debut_return), 1) AS mean_debut_return,
    round(avg(CASE WHEN debut_return > 0 THEN 1.0 ELSE 0.0 END) * 100, 0) AS pct_up_on_debut
FROM ipo_demand_debut
GROUP BY band, band_order
ORDER BY band_order
