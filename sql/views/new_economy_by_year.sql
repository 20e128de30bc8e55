-- New listings per calendar year and tier (delisted ones included: they listed that year).
CREATE OR REPLACE VIEW new_economy_by_year AS
WITH listings AS (
    SELECT year(listing_date) AS year, tier FROM new_economy_listings
),

counted AS (
    SELECT year, tier, count(*) AS listings FROM listings GROUP BY year, tier
)

SELECT * FROM counted ORDER BY year, tier_rank(tier);

COMMENT ON VIEW new_economy_by_year IS 'Listings per year and tier from new_economy_listings (tiers are exclusive here; add core+broad for the broad definition).';
COMMENT ON COLUMN new_economy_by_year.year IS 'Calendar year of listing.';
COMMENT ON COLUMN new_economy_by_year.tier IS 'core, broad, new_consumer or none (each row in exactly one tier).';
COMMENT ON COLUMN new_economy_by_year.listings IS 'Number of listings that year in that tier, including issuers delisted since.';
