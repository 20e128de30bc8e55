-- Listings per year and tier, with the number counted at each year end under the broad
-- definition (the one rule, through new_economy_tiers_at).
WITH per_year AS (
    SELECT year, tier, listings FROM new_economy_by_year
),

year_ends AS (
    SELECT DISTINCT year, make_date(year::INTEGER, 12, 31) AS year_end FROM per_year
),

listed_at_year_end AS (
    SELECT y.year, t.broad AS listed_broad_at_year_end
    FROM year_ends AS y, LATERAL new_economy_tiers_at(y.year_end) AS t
)

SELECT p.year, p.tier, p.listings, e.listed_broad_at_year_end
FROM per_year AS p
JOIN listed_at_year_end AS e USING (year)
ORDER BY p.year, p.tier
