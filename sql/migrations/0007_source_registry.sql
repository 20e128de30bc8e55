-- 0007: the source registry as a table, so the precedence the SQL rules use (source_rank,
-- stock_source_rank, stock_return_rank, stock_return_basis, source_is_exchange) is declared
-- once, by each source module in hkpipe/sources/, and read here. Every build writes it from
-- the registry when it changed (hkpipe.warehouse.writes.sync_sources).
CREATE TABLE source_registry (
    source          VARCHAR NOT NULL PRIMARY KEY,
    is_prefix       BOOLEAN NOT NULL,
    label           VARCHAR NOT NULL,
    serves          VARCHAR NOT NULL,
    live            BOOLEAN NOT NULL,
    registry_column VARCHAR,
    price_basis     VARCHAR NOT NULL CHECK (price_basis IN ('adjusted', 'unadjusted')),
    price_rank      INTEGER,
    debut_rank      INTEGER,
    return_rank     INTEGER,
    return_basis    VARCHAR CHECK (return_basis IN ('total return', 'price return')),
    is_exchange     BOOLEAN NOT NULL
);

COMMENT ON TABLE source_registry IS 'Every source hkpipe knows, as its module in hkpipe/sources/ declares it: the precedence and bases the SQL rules read. Written by every build from the code; not to be edited.';
COMMENT ON COLUMN source_registry.source IS 'The name stored in the source columns (price_observations, stock_prices, load_runs); with is_prefix, a prefix (import: matches import:<file>).';
COMMENT ON COLUMN source_registry.is_prefix IS 'True when source is a prefix of the stored names it stands for.';
COMMENT ON COLUMN source_registry.label IS 'The source as people read it.';
COMMENT ON COLUMN source_registry.serves IS 'What it serves, comma-separated: indexes, stocks.';
COMMENT ON COLUMN source_registry.live IS 'True for a source fetched over the network by refresh; false for bundled files and imports.';
COMMENT ON COLUMN source_registry.registry_column IS 'The seeds/indexes.csv column naming an index at this source (NULL: none).';
COMMENT ON COLUMN source_registry.price_basis IS 'What its stock closes are: unadjusted (as traded) or adjusted (split-adjusted as of the answer).';
COMMENT ON COLUMN source_registry.price_rank IS 'Precedence resolving an index price from price_observations (1 first; NULL: never, after every ranked source).';
COMMENT ON COLUMN source_registry.debut_rank IS 'Precedence of its first close as a listing''s debut (ipo_debuts; 1 first).';
COMMENT ON COLUMN source_registry.return_rank IS 'Precedence of its series for a stock''s returns (ipo_horizon_returns; 1 first).';
COMMENT ON COLUMN source_registry.return_basis IS 'What a return on its series measures: total return (adjusted for dividends) or price return.';
COMMENT ON COLUMN source_registry.is_exchange IS 'True for the exchange''s own data (HKEX), false for a vendor''s.';
