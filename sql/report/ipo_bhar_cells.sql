-- Every ipo_bhar cell (cohort, horizon, benchmark), for hkpipe.ipo_stats to add the bootstrap
-- interval of the mean to, with the minimum N the estimates need. headline_benchmark marks the
-- cells against the HSI, the market benchmark of every excess_vs_hsi column, which the
-- report's one-benchmark tables (route by horizon) show.
WITH cells AS (
    SELECT * FROM ipo_bhar
)

SELECT *, bhar_min_n() AS min_n, benchmark = '^HSI' AS headline_benchmark
FROM cells
ORDER BY cohort, cohort_value, horizon_order, benchmark
