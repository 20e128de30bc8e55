-- Chart: median excess over the HSI at 250 sessions (return from the first close minus the
-- HSI's return over the same sessions, percentage points) per listing year and tier, with the
-- year total, and how many listings each median is over.
WITH cohorts AS (
    SELECT listing_year, tier, excess_250s_n, median_excess_vs_hsi_250s
    FROM ipo_cohorts
)

SELECT listing_year, tier, excess_250s_n, median_excess_vs_hsi_250s
FROM cohorts
ORDER BY listing_year, tier
