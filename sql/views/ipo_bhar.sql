-- Buy-and-hold abnormal returns (BHAR) by cohort and horizon, against the HSI and HSTECH, from
-- the survivorship-free returns of ipo_horizon_returns (a delisted listing holds the benchmark
-- after its last close). One row per cohort dimension and value (all; listing year; tier;
-- route; board; regime), horizon (20s..500s) and benchmark. A listing's BHAR is its return from
-- the first close minus the benchmark's over the same sessions, in points. Cells with fewer
-- than bhar_min_n() listings show n only. The bootstrap interval of the mean is not here: it
-- is computed by hkpipe.ipo_stats (numpy, fixed seed) from ipo_bhar_values.
CREATE OR REPLACE VIEW ipo_bhar AS
WITH cells AS (
    SELECT
        cohort, cohort_value, horizon, any_value(horizon_order) AS horizon_order, benchmark,
        count(*)                                                  AS n,
        count(bhar_listed_only)                                   AS n_listed_only,
        count(*) FILTER (WHERE delisted_in_window)                AS delisted_n,
        avg(bhar)                                                 AS mean_bhar,
        median(bhar)                                              AS median_bhar,
        avg(ipo_return)                                           AS mean_ipo_return,
        avg(benchmark_return)                                     AS mean_benchmark_return,
        100.0 * count(*) FILTER (WHERE bhar > 0) / count(*)       AS share_beating,
        stddev_samp(bhar)                                         AS sd_bhar,
        avg(power(bhar, 3))                                       AS m3_raw,
        avg(power(bhar, 2))                                       AS m2_raw
    FROM ipo_bhar_values
    GROUP BY cohort, cohort_value, horizon, benchmark
),

moments AS (
    SELECT
        *,
        mean_bhar / nullif(sd_bhar, 0)                                        AS s,
        -- the third central moment over the sample sd cubed (Lyon, Barber and Tsai 1999)
        (m3_raw - 3 * mean_bhar * m2_raw + 2 * power(mean_bhar, 3))
            / nullif(power(sd_bhar, 3), 0)                                    AS gamma
    FROM cells
),

final AS (
    SELECT
        cohort, cohort_value, horizon, horizon_order, benchmark, n, n_listed_only, delisted_n,
        n >= bhar_min_n()                                                     AS estimated,
        CASE WHEN n >= bhar_min_n() THEN mean_bhar END                        AS mean_bhar,
        CASE WHEN n >= bhar_min_n() THEN median_bhar END                      AS median_bhar,
        CASE WHEN n >= bhar_min_n() THEN mean_ipo_return END                  AS mean_ipo_return,
        CASE WHEN n >= bhar_min_n() THEN mean_benchmark_return END            AS mean_benchmark_return,
        CASE WHEN n >= bhar_min_n()
             THEN (1 + mean_ipo_return / 100) / (1 + mean_benchmark_return / 100) END
                                                                              AS wealth_relative,
        CASE WHEN n >= bhar_min_n() THEN share_beating END                    AS share_beating,
        CASE WHEN n >= bhar_min_n() THEN sqrt(n) * s END                      AS t_conventional,
        CASE WHEN n >= bhar_min_n()
             THEN sqrt(n) * (s + power(s, 2) * gamma / 3 + gamma / (6 * n)) END AS t_skew_adjusted
    FROM moments
)

SELECT * FROM final ORDER BY cohort, cohort_value, horizon_order, benchmark;

COMMENT ON VIEW ipo_bhar IS 'Buy-and-hold abnormal returns by cohort (all, year, tier, route, board, regime), horizon (20s..500s) and benchmark (^HSI, HSTECH.HK), survivorship-free: n, mean and median BHAR (points), wealth relative, share beating the benchmark, conventional and skewness-adjusted t (Lyon, Barber and Tsai 1999). Estimates are NULL below bhar_min_n() listings. The bootstrap 95% interval of mean_bhar comes from hkpipe.ipo_stats.';
COMMENT ON COLUMN ipo_bhar.cohort IS 'The dimension: all, year, tier, route, board or regime.';
COMMENT ON COLUMN ipo_bhar.cohort_value IS 'Its value.';
COMMENT ON COLUMN ipo_bhar.horizon IS '20s, 60s, 120s, 250s or 500s.';
COMMENT ON COLUMN ipo_bhar.horizon_order IS 'Sort order of the horizons.';
COMMENT ON COLUMN ipo_bhar.benchmark IS '^HSI or HSTECH.HK.';
COMMENT ON COLUMN ipo_bhar.n IS 'Listings with a survivorship-free BHAR in the cell.';
COMMENT ON COLUMN ipo_bhar.n_listed_only IS 'Of them, those the survivors-only reading keeps (n minus delisted_n): what the cell would count without delistings.';
COMMENT ON COLUMN ipo_bhar.delisted_n IS 'Listings that delisted before the horizon and count through the benchmark after their last close.';
COMMENT ON COLUMN ipo_bhar.estimated IS 'n reaches bhar_min_n(): the estimates are shown.';
COMMENT ON COLUMN ipo_bhar.mean_bhar IS 'Mean BHAR, points.';
COMMENT ON COLUMN ipo_bhar.median_bhar IS 'Median BHAR, points.';
COMMENT ON COLUMN ipo_bhar.mean_ipo_return IS 'Mean return from the first close, percent.';
COMMENT ON COLUMN ipo_bhar.mean_benchmark_return IS 'Mean benchmark return over the same windows, percent.';
COMMENT ON COLUMN ipo_bhar.wealth_relative IS '(1 + mean IPO return) / (1 + mean benchmark return); below 1: the IPOs underperformed.';
COMMENT ON COLUMN ipo_bhar.share_beating IS 'Percent of the listings whose BHAR is above zero.';
COMMENT ON COLUMN ipo_bhar.t_conventional IS 'sqrt(n) * mean / sd of the BHARs.';
COMMENT ON COLUMN ipo_bhar.t_skew_adjusted IS 'Skewness-adjusted t of Lyon, Barber and Tsai (1999): sqrt(n) * (S + gamma S^2 / 3 + gamma / (6n)), S = mean / sd, gamma the sample skewness.';
