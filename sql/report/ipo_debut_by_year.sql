-- Chart: median debut return per listing year over all tiers, and how many listings of the
-- year have a debut return (a year where none has one carries a NULL median).
-- params: total_tier TEXT (the tier ipo_cohorts gives a year's total under)
WITH years AS (
    SELECT listing_year, debut_n, median_debut_return
    FROM ipo_cohorts
    WHERE tier = $total_tier
)

SELECT listing_year, debut_n, median_debut_return
FROM years
ORDER BY listing_year
