-- Listing cohorts by year and tier (tier 'all' for the whole year): how many listings, how
-- many have an offer price and prices, and their debut, one-year and current performance.
-- Medians and shares are over the listings where the measure is known (the *_n columns say
-- how many). Percent throughout.
CREATE OR REPLACE VIEW ipo_cohorts AS
WITH perf AS (
    SELECT *, year(listing_date) AS listing_year FROM ipo_performance
),

final AS (
    SELECT
        listing_year,
        coalesce(tier, 'all')                                           AS tier,
        count(*)                                                        AS listings,
        count(offer_price)                                              AS with_offer_price,
        count(*) FILTER (WHERE NOT starts_with(coverage, 'no prices'))  AS with_prices,
        count(*) FILTER (WHERE starts_with(coverage, 'no prices'))      AS without_prices,
        count(*) FILTER (WHERE coverage = 'no prices: listed after the data ends')
                                                                        AS without_prices_listed_after_data,
        count(*) FILTER (WHERE coverage = 'no prices: GEM code')        AS without_prices_gem,
        count(*) FILTER (WHERE coverage = 'no prices: no vendor has the code')
                                                                        AS without_prices_no_vendor,
        count(debut_return)                                             AS debut_n,
        median(debut_return)                                            AS median_debut_return,
        avg(debut_return)                                               AS mean_debut_return,
        100.0 * count(*) FILTER (WHERE debut_return < 0) / nullif(count(debut_return), 0)
                                                                        AS share_broke_issue,
        count(return_from_first_close_250s)                             AS return_250s_n,
        median(return_from_first_close_250s)                            AS median_return_250s,
        count(excess_vs_hsi_250s)                                       AS excess_250s_n,
        median(excess_vs_hsi_250s)                                      AS median_excess_vs_hsi_250s,
        count(below_offer_now)                                          AS below_offer_n,
        100.0 * count(*) FILTER (WHERE below_offer_now) / nullif(count(below_offer_now), 0)
                                                                        AS share_below_offer_now
    FROM perf
    GROUP BY GROUPING SETS ((listing_year, tier), (listing_year))
)

SELECT * FROM final ORDER BY listing_year, tier = 'all', tier;

COMMENT ON VIEW ipo_cohorts IS 'Curated listings by listing year and tier (tier all: the whole year): counts with offer price and prices (and why not), median and mean debut return, share that broke issue on debut, median 250-session return from the first close and its median excess over the HSI (excess_250s_n: over how many), share below the offer at the latest session. Percent; *_n columns count the listings each measure is known for.';
COMMENT ON COLUMN ipo_cohorts.listing_year IS 'Calendar year of the listing date.';
COMMENT ON COLUMN ipo_cohorts.tier IS 'New-economy tier, or all for the whole year.';
COMMENT ON COLUMN ipo_cohorts.listings IS 'Curated listings in the cohort.';
COMMENT ON COLUMN ipo_cohorts.with_offer_price IS 'Of them, with a final offer price.';
COMMENT ON COLUMN ipo_cohorts.with_prices IS 'With any stored price.';
COMMENT ON COLUMN ipo_cohorts.without_prices IS 'With none.';
COMMENT ON COLUMN ipo_cohorts.without_prices_listed_after_data IS 'Of those, listed after every vendor''s data ends.';
COMMENT ON COLUMN ipo_cohorts.without_prices_gem IS 'Of those, GEM codes no bundled vendor covers.';
COMMENT ON COLUMN ipo_cohorts.without_prices_no_vendor IS 'Of those, codes no vendor has.';
COMMENT ON COLUMN ipo_cohorts.debut_n IS 'Listings with a debut_return.';
COMMENT ON COLUMN ipo_cohorts.median_debut_return IS 'Median debut_return, percent.';
COMMENT ON COLUMN ipo_cohorts.mean_debut_return IS 'Mean debut_return, percent.';
COMMENT ON COLUMN ipo_cohorts.share_broke_issue IS 'Percent of the known debuts below zero.';
COMMENT ON COLUMN ipo_cohorts.return_250s_n IS 'Listings with a 250-session return from the first close.';
COMMENT ON COLUMN ipo_cohorts.median_return_250s IS 'Its median, percent.';
COMMENT ON COLUMN ipo_cohorts.excess_250s_n IS 'Listings with a 250-session excess over the HSI.';
COMMENT ON COLUMN ipo_cohorts.median_excess_vs_hsi_250s IS 'Its median, points.';
COMMENT ON COLUMN ipo_cohorts.below_offer_n IS 'Listings whose latest return from the offer is known.';
COMMENT ON COLUMN ipo_cohorts.share_below_offer_now IS 'Percent of them below the offer at the latest session.';
