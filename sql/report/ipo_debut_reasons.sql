-- Why a listing has a debut_return or not: ipo_debuts' debut_note grouped by its leading
-- reason (the note's wording, without the listing's own numbers and dates), with a count and
-- the earliest listing's note as an example. A note of a shape not named here is kept whole
-- under 'other', so a new reason shows rather than vanishes.
WITH notes AS (
    SELECT stock_code, listing_date, debut_return, debut_note FROM ipo_performance
),

reasons AS (
    SELECT
        *,
        CASE
            WHEN debut_return IS NOT NULL THEN 'debut measured: as-traded first close against the offer'
            WHEN debut_note LIKE 'no offer row:%' THEN 'no offer row: the offer sources do not cover the listing'
            WHEN debut_note LIKE 'no offer price%' THEN 'no offer price in the offer source'
            WHEN debut_note LIKE 'no close on the listing session%' THEN 'no close on the listing session'
            WHEN debut_note LIKE 'the only close on the listing session is vendor-adjusted%'
                THEN 'first close only vendor-adjusted, not the price that traded'
            WHEN debut_note LIKE '%is outside HKEX''s spread table' THEN 'first close outside HKEX''s spread table'
            WHEN debut_note LIKE '%is not a price HKEX''s spread table allows%'
                THEN 'first close off HKEX''s price grid (a later corporate action in the vendor''s data)'
            WHEN debut_note LIKE '%times the offer%'
                THEN 'first close 5 times or a fifth of the offer or beyond (a later split or consolidation)'
            ELSE 'other: ' || coalesce(debut_note, 'no note')
        END AS reason
    FROM notes
),

grouped AS (
    SELECT
        reason,
        count(*)                                          AS listings,
        count(debut_return)                               AS with_debut_return,
        arg_min(debut_note, (listing_date, stock_code))   AS example_note
    FROM reasons
    GROUP BY reason
)

SELECT reason, listings, with_debut_return, example_note
FROM grouped
ORDER BY with_debut_return DESC, listings DESC, reason
