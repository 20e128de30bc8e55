-- The IPO cohort table: ipo_cohorts as it stands, per listing year and tier, the year total
-- (tier 'all') after its tiers. Percent; *_n columns count the listings a measure is known for.
WITH cohorts AS (
    SELECT
        listing_year,
        tier,
        listings,
        with_offer_price,
        with_prices,
        without_prices,
        without_prices_listed_after_data,
        without_prices_gem,
        without_prices_no_vendor,
        debut_n,
        median_debut_return,
        mean_debut_return,
        share_broke_issue,
        return_250s_n,
        median_return_250s,
        excess_250s_n,
        median_excess_vs_hsi_250s,
        below_offer_n,
        share_below_offer_now
    FROM ipo_cohorts
)

SELECT * FROM cohorts ORDER BY listing_year, tier = 'all', tier
