-- The share of all listed issuers that are new-economy listings at a date: the curated
-- listings counted by the one counting rule (new_economy_tiers_at) over every equity issuer
-- on HKEX's List of Securities of that day (listed_issuers). The bundled list of all issuers
-- is HKEX's of 2025-12-31, so the share is measurable at that date only.
-- params: as_of DATE, definition TEXT
-- vary: as_of, definition
-- definition: core, broad or new_consumer (nested, as in new_economy_counted).
-- Items: share_pct (new_economy / all_listed x 100; NULL at any other date), new_economy
-- (listings since the 2018-04-30 reform only: earlier new-economy issuers are not curated, so
-- the share is a lower bound), all_listed (NULL at any other date).
-- as_of: the date counted at.
WITH counted AS (
    SELECT
        definition_count($definition, core, broad, new_consumer) AS new_economy
    FROM new_economy_tiers_at($as_of)
),

listed AS (
    SELECT CASE WHEN $as_of::DATE = DATE '2025-12-31'
                THEN count(*) FILTER (WHERE listed_at_2025_12_31 = 'Y') END AS all_listed
    FROM listed_issuers
),

shares AS (
    SELECT new_economy, all_listed,
           round(new_economy * 100.0 / nullif(all_listed, 0), 2) AS share_pct
    FROM counted, listed
)

SELECT 'share_pct' AS item, share_pct AS value,
       CASE WHEN all_listed IS NULL
           THEN format('not measurable: the bundled list of all issuers is HKEX''s of '
                       '2025-12-31, not of {}', $as_of)
           ELSE format('{} listings since the reform ({}) over the {} equity issuers on '
                       'HKEX''s List of Securities of {}', new_economy, $definition,
                       all_listed, $as_of) END AS detail,
       $as_of::DATE AS as_of
FROM shares
UNION ALL
SELECT 'new_economy', new_economy::DOUBLE,
       format('{} listings since 2018-04-30 still listed at {} (earlier issuers not curated)',
              $definition, $as_of), $as_of::DATE FROM shares
UNION ALL
SELECT 'all_listed', all_listed::DOUBLE,
       'equity issuers on HKEX''s List of Securities of 2025-12-31 (seeds/listed_issuers.csv)',
       $as_of::DATE FROM shares
