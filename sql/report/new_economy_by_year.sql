-- Listings per year and tier, with the number listed at each year end under the broad definition.
WITH per_year AS (
    SELECT year, tier, listings FROM new_economy_by_year
),

years AS (
    SELECT DISTINCT year FROM per_year
),

listed_at_year_end AS (
    SELECT y.year, count(l.listing_date) AS listed_broad_at_year_end
    FROM years AS y
    LEFT JOIN new_economy_listings AS l
        ON l.tier IN ('core', 'broad')
       AND l.listing_date <= make_date(y.year::INTEGER, 12, 31)
       AND (l.delisting_date IS NULL OR l.delisting_date > make_date(y.year::INTEGER, 12, 31))
    GROUP BY y.year
)

SELECT p.year, p.tier, p.listings, e.listed_broad_at_year_end
FROM per_year AS p
JOIN listed_at_year_end AS e USING (year)
ORDER BY p.year, p.tier
