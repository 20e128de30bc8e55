-- new_economy_count(as_of, definition): issuers listed from 2018-04-30 to as_of and not delisted
-- by as_of, whose tier lies inside the definition (core < broad < new_consumer, nested).
CREATE OR REPLACE MACRO new_economy_count(as_of, definition) AS TABLE
WITH listings AS (
    SELECT listing_date, delisting_date, tier FROM new_economy_listings
),

ranked AS (
    SELECT
        listing_date,
        delisting_date,
        tier_rank(tier) AS tier_rank
    FROM listings
),

wanted AS (
    SELECT CASE WHEN definition IN ('core', 'broad', 'new_consumer')
        THEN tier_rank(definition)
        ELSE error('new_economy_count: definition must be core, broad or new_consumer, not '
                   || coalesce(definition::VARCHAR, 'NULL'))
    END AS max_rank
),

counted AS (
    SELECT count(r.listing_date) AS listings
    FROM wanted AS w
    LEFT JOIN ranked AS r
        ON r.tier_rank <= w.max_rank
       AND r.listing_date BETWEEN DATE '2018-04-30' AND as_of::DATE
       AND (r.delisting_date IS NULL OR r.delisting_date > as_of::DATE)
)

SELECT as_of::DATE AS as_of, definition::VARCHAR AS definition, listings FROM counted;
