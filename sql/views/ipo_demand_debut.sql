-- Demand against debut: each curated listing with a sourced public-offer subscription multiple
-- (or the source's "Under-Sub.") and a measured debut return, banded by the multiple. The bands
-- break at 15, 50 and 100 times, the public-offer clawback triggers of the Listing Rules'
-- Practice Note 18 as they stood before the 2025-08-04 changes, and at 1,000 times, since many
-- 2025-2026 offers lie far above 100. One band rule: the report and every query read it here.
CREATE OR REPLACE VIEW ipo_demand_debut AS
WITH joined AS (
    SELECT
        p.stock_code,
        p.listing_date,
        year(p.listing_date) AS listing_year,
        p.tier,
        p.route,
        d.public_subscription_multiple AS multiple,
        d.subscription_note,
        p.debut_return,
        d.basis AS demand_basis
    FROM ipo_performance AS p
    INNER JOIN ipo_demand AS d USING (stock_code, listing_date)
    WHERE p.debut_return IS NOT NULL
      AND (d.public_subscription_multiple IS NOT NULL OR d.subscription_note = 'Under-Sub.')
)

SELECT
    *,
    CASE
        WHEN subscription_note = 'Under-Sub.' OR multiple < 1 THEN 1
        WHEN multiple < 15 THEN 2
        WHEN multiple < 50 THEN 3
        WHEN multiple < 100 THEN 4
        WHEN multiple < 1000 THEN 5
        ELSE 6
    END AS band_order,
    CASE band_order
        WHEN 1 THEN 'under-subscribed'
        WHEN 2 THEN '1-15x'
        WHEN 3 THEN '15-50x'
        WHEN 4 THEN '50-100x'
        WHEN 5 THEN '100-1000x'
        ELSE '1000x and more'
    END AS band
FROM joined;

COMMENT ON VIEW ipo_demand_debut IS 'One row per curated listing with both a sourced public-offer subscription multiple (or Under-Sub.) in ipo_demand and a debut return in ipo_performance, with its subscription band (breaks at 1, 15, 50, 100 and 1,000 times).';
COMMENT ON COLUMN ipo_demand_debut.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_demand_debut.listing_date IS 'Listing date; with stock_code, the listing.';
COMMENT ON COLUMN ipo_demand_debut.listing_year IS 'Calendar year of the listing date.';
COMMENT ON COLUMN ipo_demand_debut.tier IS 'New-economy tier (core, broad, new_consumer, none).';
COMMENT ON COLUMN ipo_demand_debut.route IS 'Listing route by listing_route(): 18A, 18C, WVR, secondary, A+H or conventional.';
COMMENT ON COLUMN ipo_demand_debut.multiple IS 'Hong Kong public offer subscription multiple, in times (ipo_demand); NULL for an undersubscribed offer.';
COMMENT ON COLUMN ipo_demand_debut.subscription_note IS '''Under-Sub.'' where the source says the public offer was undersubscribed.';
COMMENT ON COLUMN ipo_demand_debut.debut_return IS 'First close over the offer price minus 1, percent (ipo_performance.debut_return).';
COMMENT ON COLUMN ipo_demand_debut.demand_basis IS 'The demand row''s basis: its source and caveat (the 2025-2026 figures are LLM-assisted extraction, not independently audited).';
COMMENT ON COLUMN ipo_demand_debut.band_order IS 'Sort key of band, 1 (under-subscribed) to 6 (1,000 times and more).';
COMMENT ON COLUMN ipo_demand_debut.band IS 'Subscription band: under-subscribed, 1-15x, 15-50x, 50-100x, 100-1000x, 1000x and more (15, 50 and 100: the clawback triggers of Practice Note 18 before 2025-08-04).';
