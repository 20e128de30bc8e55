-- Each official count beside the table's own count at the same date, per definition.
-- New-economy counts compare with issuers listed since the reform and still listed at as_of;
-- Chapter 18A counts ("companies listed via 18A", cumulative) with B-marker listings up to as_of.
CREATE OR REPLACE VIEW new_economy_vs_published AS
WITH published AS (
    SELECT as_of AS as_of_text, metric, value, speaker, source_url FROM published_counts
),

dated AS (
    SELECT
        *,
        CASE
            WHEN regexp_full_match(as_of_text, '\d{4}-\d{2}-\d{2}') THEN as_of_text::DATE
            -- a month only: compared at the month's end
            WHEN regexp_full_match(as_of_text, '\d{4}-\d{2}')
                THEN last_day((as_of_text || '-01')::DATE)
            -- "2025 (mid-year ...)": compared at 30 June
            WHEN regexp_matches(as_of_text, '^\d{4} \(mid-year')
                THEN make_date(left(as_of_text, 4)::INTEGER, 6, 30)
        END AS as_of,
        CASE
            WHEN metric ILIKE '%listed via Chapter 18A%' THEN 'chapter_18a_listed'
            WHEN metric ILIKE '%new-economy%compan%' OR metric ILIKE '%new economy%compan%'
                THEN 'new_economy_listed'
        END AS measure,
        try_cast(regexp_extract(value, '^[>~<]?\s*(\d+)$', 1) AS INTEGER) AS published_number,
        regexp_extract(value, '^([>~<]?)\s*\d+$', 1) AS qualifier
    FROM published
),

comparable AS (
    SELECT * FROM dated
    WHERE as_of IS NOT NULL AND measure IS NOT NULL AND published_number IS NOT NULL
),

dates AS (
    SELECT DISTINCT as_of FROM comparable
),

-- new-economy counts: the one rule (new_economy_counted) under each definition
tiers AS (
    SELECT t.* FROM dates AS d, LATERAL new_economy_tiers_at(d.as_of) AS t
),

-- Chapter 18A counts: B-marker listings since the reform up to as_of, delisted ones included
-- ("cumulative since 2018"); B rows are core by the tier rule, so one number serves all three
chapter_18a AS (
    SELECT d.as_of, count(l.listing_date) AS listed
    FROM dates AS d
    LEFT JOIN new_economy_listings AS l
        ON listed_since_reform_by(l.listing_date, d.as_of)
       AND contains(coalesce(l.markers, ''), 'B')
    GROUP BY d.as_of
),

counted AS (
    SELECT
        c.*,
        CASE c.measure WHEN 'new_economy_listed' THEN t.core ELSE b.listed END AS core,
        CASE c.measure WHEN 'new_economy_listed' THEN t.broad ELSE b.listed END AS broad,
        CASE c.measure WHEN 'new_economy_listed' THEN t.new_consumer ELSE b.listed END
            AS new_consumer
    FROM comparable AS c
    JOIN tiers AS t USING (as_of)
    JOIN chapter_18a AS b USING (as_of)
)

SELECT
    as_of,
    metric,
    value            AS published,
    published_number,
    qualifier,
    core,
    broad,
    new_consumer,
    measure,
    as_of_text,
    speaker,
    source_url
FROM counted
ORDER BY measure DESC, as_of;

COMMENT ON VIEW new_economy_vs_published IS 'Each official count in published_counts beside this table''s count at the same date under each definition, to show which definition tracks the official series and from when they part.';
COMMENT ON COLUMN new_economy_vs_published.as_of IS 'Date compared at: the published date; a month is read as its last day, "mid-year" as 30 June.';
COMMENT ON COLUMN new_economy_vs_published.metric IS 'What the source counted, in its words.';
COMMENT ON COLUMN new_economy_vs_published.published IS 'The published figure as written (>400, ~370).';
COMMENT ON COLUMN new_economy_vs_published.published_number IS 'The number in the published figure, qualifier dropped.';
COMMENT ON COLUMN new_economy_vs_published.qualifier IS 'The qualifier written before the number: > (more than), ~ (about), < (fewer than), or empty (the number as stated).';
COMMENT ON COLUMN new_economy_vs_published.core IS 'This table''s count at as_of under the core definition.';
COMMENT ON COLUMN new_economy_vs_published.broad IS 'This table''s count at as_of under the broad definition (core + broad).';
COMMENT ON COLUMN new_economy_vs_published.new_consumer IS 'This table''s count at as_of under the widest definition (core + broad + new_consumer).';
COMMENT ON COLUMN new_economy_vs_published.measure IS 'new_economy_listed: listed since 2018-04-30 and still listed at as_of; chapter_18a_listed: B-marker listings since the reform up to as_of, delisted ones included (the B rows are core, so the three columns agree).';
COMMENT ON COLUMN new_economy_vs_published.as_of_text IS 'as_of as the source gives it.';
COMMENT ON COLUMN new_economy_vs_published.speaker IS 'Who published the figure.';
COMMENT ON COLUMN new_economy_vs_published.source_url IS 'Address of the source.';
