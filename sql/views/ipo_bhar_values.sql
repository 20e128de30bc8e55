-- The listings behind each ipo_bhar cell: one row per cohort dimension and value (all; listing
-- year; tier; route; board; regime), horizon (20s..500s), benchmark (^HSI, HSTECH.HK) and
-- listing with a survivorship-free BHAR (its return from the first close minus the
-- benchmark's over the same sessions, points; after a delisting the listing holds the
-- benchmark, so HSTECH's BHAR uses the HSTECH-filled return). hkpipe.ipo_stats bootstraps the
-- mean of each cell from these rows.
CREATE OR REPLACE VIEW ipo_bhar_values AS
WITH listings AS (
    -- the dimensions from ipo_debuts, not ipo_performance: the same columns without computing
    -- ipo_horizon_returns a second time
    SELECT stock_code, listing_date, tier, route, board,
           listing_regime(listing_date) AS regime
    FROM ipo_debuts
),

per_benchmark AS (
    SELECT h.stock_code, h.listing_date, h.horizon, h.horizon_order, '^HSI' AS benchmark,
           h.return_from_first_close AS ipo_return, h.hsi_return AS benchmark_return,
           h.excess_vs_hsi AS bhar, h.excess_vs_hsi_listed_only AS bhar_listed_only,
           h.delisted_in_window
    FROM ipo_horizon_returns AS h
    UNION ALL
    SELECT h.stock_code, h.listing_date, h.horizon, h.horizon_order, 'HSTECH.HK',
           h.excess_vs_hstech + h.hstech_return, h.hstech_return,
           h.excess_vs_hstech, h.excess_vs_hstech_listed_only, h.delisted_in_window
    FROM ipo_horizon_returns AS h
),

dimensions AS (
    SELECT l.*, d.cohort, d.cohort_value
    FROM listings AS l
    CROSS JOIN LATERAL (VALUES ('all', 'all'), ('year', year(l.listing_date)::VARCHAR),
                               ('tier', l.tier), ('route', l.route), ('board', l.board),
                               ('regime', l.regime)) AS d (cohort, cohort_value)
),

final AS (
    SELECT d.cohort, coalesce(d.cohort_value, 'unknown') AS cohort_value, b.horizon,
           b.horizon_order, b.benchmark, d.stock_code, d.listing_date, b.ipo_return,
           b.benchmark_return, b.bhar, b.bhar_listed_only, b.delisted_in_window
    FROM dimensions AS d
    JOIN per_benchmark AS b USING (stock_code, listing_date)
    WHERE b.horizon <> 'latest' AND b.bhar IS NOT NULL
)

SELECT * FROM final ORDER BY cohort, cohort_value, horizon_order, benchmark, stock_code,
                            listing_date;

COMMENT ON VIEW ipo_bhar_values IS 'One row per cohort cell (cohort, cohort_value, horizon, benchmark) and listing with a BHAR: the listing''s survivorship-free return, the benchmark''s and the BHAR (points). ipo_bhar summarises it; hkpipe.ipo_stats bootstraps its means.';
COMMENT ON COLUMN ipo_bhar_values.cohort IS 'The dimension: all, year, tier, route, board or regime.';
COMMENT ON COLUMN ipo_bhar_values.cohort_value IS 'Its value (a listing year, a tier, a route, Main Board or GEM, a regime; unknown where the listing has none).';
COMMENT ON COLUMN ipo_bhar_values.horizon IS '20s, 60s, 120s, 250s or 500s: XHKG sessions after the listing session.';
COMMENT ON COLUMN ipo_bhar_values.horizon_order IS 'Sort order of the horizons.';
COMMENT ON COLUMN ipo_bhar_values.benchmark IS '^HSI or HSTECH.HK.';
COMMENT ON COLUMN ipo_bhar_values.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_bhar_values.listing_date IS 'Listing date (with stock_code, the listing).';
COMMENT ON COLUMN ipo_bhar_values.ipo_return IS 'The listing''s survivorship-free return from the first close, percent (after a delisting, the benchmark''s).';
COMMENT ON COLUMN ipo_bhar_values.benchmark_return IS 'The benchmark''s return over the same sessions, percent.';
COMMENT ON COLUMN ipo_bhar_values.bhar IS 'ipo_return - benchmark_return, points.';
COMMENT ON COLUMN ipo_bhar_values.bhar_listed_only IS 'The survivors-only BHAR: NULL where the listing delisted before the horizon.';
COMMENT ON COLUMN ipo_bhar_values.delisted_in_window IS 'The listing delisted before the horizon session.';
