-- Index registry, loaded from seeds/indexes.csv.
CREATE TABLE IF NOT EXISTS indexes (
    symbol                VARCHAR PRIMARY KEY,
    name                  VARCHAR NOT NULL,
    provider              VARCHAR NOT NULL,
    yahoo_symbol          VARCHAR,
    snapshot_file         VARCHAR,
    snapshot_volume_means VARCHAR,
    data_source           VARCHAR NOT NULL,
    launch_date           DATE,
    base_date             DATE,
    base_value            DOUBLE,
    notes                 VARCHAR,
    source                VARCHAR NOT NULL
);

COMMENT ON TABLE indexes IS 'Index registry (seeds/indexes.csv): what each symbol is, where its prices come from, and sourced launch and base facts.';
COMMENT ON COLUMN indexes.symbol IS 'Symbol used in prices.symbol.';
COMMENT ON COLUMN indexes.name IS 'Index name.';
COMMENT ON COLUMN indexes.provider IS 'Index compiler.';
COMMENT ON COLUMN indexes.yahoo_symbol IS 'Yahoo Finance symbol; NULL where Yahoo has none known (then refresh skips the index and says so).';
COMMENT ON COLUMN indexes.snapshot_file IS 'Bundled price file under seeds/, NULL where no real daily data was found.';
COMMENT ON COLUMN indexes.snapshot_volume_means IS 'What the snapshot file''s volume column holds: volume or turnover_hkd.';
COMMENT ON COLUMN indexes.data_source IS 'Where daily values come from, in words, including when none is available.';
COMMENT ON COLUMN indexes.launch_date IS 'Date the index was launched (first published live).';
COMMENT ON COLUMN indexes.base_date IS 'Index base date.';
COMMENT ON COLUMN indexes.base_value IS 'Index level at the base date.';
COMMENT ON COLUMN indexes.notes IS 'Caveats (back-tested history, gaps).';
COMMENT ON COLUMN indexes.source IS 'Addresses of the sources for the facts in this row.';
