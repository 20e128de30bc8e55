-- Index constituents, from seeds/index_constituents.csv when such a list exists (none is bundled:
-- no source for the HKEX Tech 100 or Hang Seng TECH constituents was found).
CREATE TABLE IF NOT EXISTS index_constituents (
    symbol     VARCHAR NOT NULL,
    stock_code VARCHAR NOT NULL CHECK (regexp_full_match(stock_code, '[0-9]{5}')),
    name       VARCHAR,
    industry   VARCHAR,
    as_of      DATE    NOT NULL,
    source     VARCHAR NOT NULL,
    PRIMARY KEY (symbol, stock_code, as_of)
);

COMMENT ON TABLE index_constituents IS 'Index constituents with their industry, when a sourced list exists (seeds/index_constituents.csv, optional). Empty in the bundled data: no list was found.';
COMMENT ON COLUMN index_constituents.symbol IS 'Index symbol as in indexes.symbol.';
COMMENT ON COLUMN index_constituents.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN index_constituents.name IS 'Company name.';
COMMENT ON COLUMN index_constituents.industry IS 'Industry or theme the index assigns.';
COMMENT ON COLUMN index_constituents.as_of IS 'Date the list is valid from.';
COMMENT ON COLUMN index_constituents.source IS 'Address of the source.';
