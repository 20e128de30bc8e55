-- new_economy_count(as_of, definition): the number of listings counted at as_of under the
-- definition (core < broad < new_consumer, nested; 'any' takes every post-reform listing), by
-- the one rule new_economy_counted. An unknown definition is an error, even on an empty table.
CREATE OR REPLACE MACRO new_economy_count(as_of, definition) AS TABLE
WITH wanted AS (
    SELECT definition_rank(definition) AS max_rank
),

counted AS (
    SELECT count(l.listing_date) AS listings
    FROM wanted AS w
    LEFT JOIN new_economy_listings AS l
        ON w.max_rank IS NOT NULL
       AND new_economy_counted(l.listing_date, l.delisting_date, l.tier, as_of, definition)
)

SELECT as_of::DATE AS as_of, definition::VARCHAR AS definition, listings FROM counted;
COMMENT ON MACRO TABLE new_economy_count IS 'One row (as_of, definition, listings): the listings counted at as_of under definition (core, broad, new_consumer or any), by new_economy_counted; an unknown definition is an error, even on an empty table. SELECT * FROM new_economy_count(''2025-12-31'', ''broad'').';
