-- How many companies and industries an index tracks, from index_constituents. With no
-- constituent list in the data the items are NULL, so the claim is unverifiable.
-- params: symbol TEXT
-- as_of: the as_of date of the constituent list (NULL without one).
WITH members AS (
    SELECT stock_code, industry, as_of FROM index_constituents WHERE symbol = $symbol
),

counted AS (
    SELECT count(*) AS companies, count(DISTINCT industry) AS industries, max(as_of) AS as_of
    FROM members
)

SELECT 'companies' AS item, nullif(companies, 0)::DOUBLE AS value,
       CASE WHEN companies = 0 THEN format('no constituent list for {} in the data', $symbol)
            ELSE format('{} constituents listed', companies) END AS detail,
       as_of
FROM counted
UNION ALL
SELECT 'industries', nullif(industries, 0)::DOUBLE,
       CASE WHEN companies = 0 THEN 'no constituent list, so no industries to count'
            ELSE format('{} distinct industries', industries) END,
       as_of
FROM counted
