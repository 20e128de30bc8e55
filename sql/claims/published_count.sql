-- An official count (published_counts, through new_economy_vs_published) against the curated
-- listings at the same date, under the definition the ledger states.
-- params: as_of DATE, measure TEXT, definition TEXT
-- vary: as_of, definition
-- as_of is the date the view compares at (a month is read as its end, "mid-year" as 30 June);
-- measure is new_economy_listed or chapter_18a_listed; definition is core, broad or
-- new_consumer. Items: published (the number, qualifier dropped), count (the table's count
-- under the definition), core, broad, new_consumer, gap (count - published), gap_pct (gap as
-- a percentage of published), abs_gap_pct. None when the view has no such row.
WITH official AS (
    SELECT * FROM new_economy_vs_published WHERE as_of = $as_of AND measure = $measure
),

measured AS (
    SELECT
        *,
        definition_count($definition, core, broad, new_consumer) AS count
    FROM official
),

gaps AS (
    SELECT *, count - published_number AS gap,
           round((count - published_number) * 100.0 / published_number, 2) AS gap_pct
    FROM measured
),

items AS (
    SELECT 'published' AS item, published_number::DOUBLE AS value,
           format('{} ({}), {}: {}', published, speaker, as_of_text, metric) AS detail, 0 AS ord,
           as_of
    FROM gaps
    UNION ALL
    SELECT 'count', count, format('{} under {} at {}', measure, $definition, as_of), 1, as_of
    FROM gaps
    UNION ALL
    SELECT 'core', core, 'core definition', 2, as_of FROM gaps
    UNION ALL
    SELECT 'broad', broad, 'broad definition (core + broad)', 3, as_of FROM gaps
    UNION ALL
    SELECT 'new_consumer', new_consumer, 'widest definition', 4, as_of FROM gaps
    UNION ALL
    SELECT 'gap', gap, 'count - published', 5, as_of FROM gaps
    UNION ALL
    SELECT 'gap_pct', gap_pct, 'gap as % of published, 2 decimals', 6, as_of FROM gaps
    UNION ALL
    SELECT 'abs_gap_pct', abs(gap_pct), 'size of the gap, % of published', 7, as_of FROM gaps
)

SELECT item, value, detail, as_of FROM items ORDER BY ord
