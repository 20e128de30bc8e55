-- Official and press statements of new-economy counts, verbatim from seeds/published_counts.csv.
CREATE TABLE IF NOT EXISTS published_counts (
    as_of      VARCHAR NOT NULL,
    metric     VARCHAR NOT NULL,
    value      VARCHAR NOT NULL,
    scope_note VARCHAR,
    speaker    VARCHAR NOT NULL,
    published  VARCHAR,
    source_url VARCHAR NOT NULL,
    note       VARCHAR
);

COMMENT ON TABLE published_counts IS 'Official statements of new-economy counts and definitions, verbatim (text as published), each with its address.';
COMMENT ON COLUMN published_counts.as_of IS 'The date the figure refers to, as precise as the source (YYYY-MM-DD, YYYY-MM, or words).';
COMMENT ON COLUMN published_counts.metric IS 'What was counted, in the source''s terms.';
COMMENT ON COLUMN published_counts.value IS 'The figure as published, qualifiers included (>330, ~370, n/a).';
COMMENT ON COLUMN published_counts.scope_note IS 'Scope and context given with the figure.';
COMMENT ON COLUMN published_counts.speaker IS 'Who said it, and through which outlet.';
COMMENT ON COLUMN published_counts.published IS 'When it was published.';
COMMENT ON COLUMN published_counts.source_url IS 'Address of the source.';
COMMENT ON COLUMN published_counts.note IS 'Caveats.';
