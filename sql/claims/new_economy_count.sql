-- Listed new-economy issuers at a date under each definition, by the one counting rule
-- (new_economy_tiers_at over new_economy_counted).
-- params: as_of DATE
-- vary: as_of
-- Items: core, broad, new_consumer, and listed_total (every post-reform listing still listed,
-- any tier). None when the listings table is empty. as_of: the date counted at.
WITH counted AS (
    SELECT * FROM new_economy_tiers_at($as_of)
    WHERE (SELECT count(*) FROM new_economy_listings) > 0
),

items AS (
    UNPIVOT counted ON core, broad, new_consumer, any_tier INTO NAME item VALUE listings
)

SELECT
    CASE item WHEN 'any_tier' THEN 'listed_total' ELSE item END AS item,
    listings::DOUBLE AS value,
    CASE item
        WHEN 'any_tier' THEN 'post-reform listings of every tier, incl. none'
        ELSE format('listed since 2018-04-30 and not delisted at {}', as_of)
    END AS detail,
    as_of
FROM items
