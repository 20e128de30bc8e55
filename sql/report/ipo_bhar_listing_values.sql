-- The listings' BHARs of each ipo_bhar cell, in the fixed order the bootstrap resamples them
-- in (stock code, listing date).
WITH v AS (
    SELECT cohort, cohort_value, horizon, benchmark, stock_code, listing_date, bhar
    FROM ipo_bhar_values
)

SELECT cohort, cohort_value, horizon, benchmark, bhar
FROM v
ORDER BY cohort, cohort_value, horizon, benchmark, stock_code, listing_date
