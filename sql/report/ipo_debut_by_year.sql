-- Chart: median debut return per listing year over all tiers, the bar labelled with the year
-- and how many listings have a debut return (years where none has one carry a NULL median).
-- params: total_tier TEXT (the tier ipo_cohorts gives a year's total under)
WITH years AS (
    SELECT listing_year, debut_n, median_debut_return
    FROM ipo_cohorts
    WHERE tier = $total_tier
)

SELECT
    listing_year::VARCHAR || chr(10) || 'n=' || debut_n AS year_label,
    listing_year,
    debut_n,
    median_debut_return
FROM years
ORDER BY listing_year
