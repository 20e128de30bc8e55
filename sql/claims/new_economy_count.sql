-- Listed new-economy issuers at a date under each definition. Items: core, broad,
-- new_consumer, and listed_total (every post-reform listing still listed, any tier).
WITH counts AS (
    SELECT 'core' AS item, listings FROM new_economy_count($as_of, 'core')
    UNION ALL
    SELECT 'broad', listings FROM new_economy_count($as_of, 'broad')
    UNION ALL
    SELECT 'new_consumer', listings FROM new_economy_count($as_of, 'new_consumer')
),

listed AS (
    SELECT count(*) AS listings
    FROM new_economy_listings
    WHERE listing_date BETWEEN DATE '2018-04-30' AND $as_of::DATE
      AND (delisting_date IS NULL OR delisting_date > $as_of::DATE)
)

SELECT item, listings::DOUBLE AS value,
       format('listed since 2018-04-30 and not delisted at {}', $as_of) AS detail
FROM counts
WHERE (SELECT count(*) FROM new_economy_listings) > 0
UNION ALL
SELECT 'listed_total', listings::DOUBLE, 'post-reform listings of every tier, incl. none'
FROM listed
WHERE (SELECT count(*) FROM new_economy_listings) > 0
