-- Log the candidates the stored list of $as_of raises (each once: a candidate already logged
-- keeps its first record). The coverage rule is listing_covered (sql/views/_listing_rules.sql).
-- params: $as_of, $run_id
WITH on_list AS (
    SELECT * FROM listed_securities WHERE last_seen = $as_of
),

new_lines AS (
    -- on the list, and no curated listing covers the line on the list's day
    SELECT o.*
    FROM on_list AS o
    WHERE NOT listing_covered(o.stock_code, o.isin, $as_of)
),

bars_floor AS (
    -- a candidate's own bars start after the baseline, after its code's curated holder left,
    -- and after any earlier stored interval of its code
    SELECT
        n.stock_code,
        n.first_seen,
        greatest(
            issuers_baseline_date() + INTERVAL 1 DAY,
            coalesce((SELECT max(l.delisting_date) FROM new_economy_listings AS l
                      WHERE l.stock_code = n.stock_code AND delisted_by(l.delisting_date, $as_of)),
                     DATE '0001-01-01'),
            coalesce((SELECT max(s.last_seen) + INTERVAL 1 DAY FROM listed_securities AS s
                      WHERE s.stock_code = n.stock_code AND s.last_seen < n.first_seen),
                     DATE '0001-01-01'))::DATE AS bars_from
    FROM new_lines AS n
),

listings AS (
    SELECT 'listing' AS kind, n.stock_code, n.first_seen AS since, n.short_name, n.isin,
           n.board, n.markers, proposed_tier(n.markers) AS proposed_tier,
           proposed_tier_basis(n.markers) AS tier_basis, f.bars_from
    FROM new_lines AS n
    JOIN bars_floor AS f USING (stock_code, first_seen)
),

delistings AS (
    -- curated listings held on the list's day (listed before it) whose code is not on it
    SELECT 'delisting' AS kind, l.stock_code, l.listing_date AS since, l.name_en AS short_name,
           NULL AS isin, l.board, l.markers, NULL AS proposed_tier, NULL AS tier_basis,
           NULL::DATE AS bars_from
    FROM new_economy_listings AS l
    WHERE l.listing_date < $as_of
      AND NOT delisted_by(l.delisting_date, $as_of)
      AND NOT EXISTS (SELECT 1 FROM on_list AS o WHERE o.stock_code = l.stock_code)
)

INSERT INTO listing_candidate_log BY NAME
SELECT *, CAST($as_of AS DATE) AS raised_on, $run_id AS run_id
FROM (SELECT * FROM listings UNION ALL BY NAME SELECT * FROM delistings)
ON CONFLICT DO NOTHING
