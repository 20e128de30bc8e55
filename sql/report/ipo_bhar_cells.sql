-- Every ipo_bhar cell (cohort, horizon, benchmark), for hkpipe.ipo_stats to add the bootstrap
-- interval of the mean to, with the minimum N the estimates need.
WITH cells AS (
    SELECT * FROM ipo_bhar
)

SELECT *, bhar_min_n() AS min_n FROM cells ORDER BY cohort, cohort_value, horizon_order, benchmark
