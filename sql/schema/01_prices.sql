-- Daily index levels, one row per symbol and Hong Kong trading day.
CREATE TABLE IF NOT EXISTS prices (
    symbol       VARCHAR   NOT NULL,
    trade_date   DATE      NOT NULL,
    open         DOUBLE    CHECK (open > 0),
    high         DOUBLE    CHECK (high > 0),
    low          DOUBLE    CHECK (low > 0),
    close        DOUBLE    NOT NULL CHECK (close > 0),
    adj_close    DOUBLE    CHECK (adj_close > 0),
    volume       BIGINT    CHECK (volume >= 0),
    turnover_hkd BIGINT    CHECK (turnover_hkd >= 0),
    source       VARCHAR   NOT NULL,
    loaded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, trade_date),
    CHECK (high >= low)
);

COMMENT ON TABLE prices IS 'Daily index levels: one row per symbol and Hong Kong trading day. Loads are upserts; a row is rewritten only when its values change.';
COMMENT ON COLUMN prices.symbol IS 'Index symbol as in the indexes table (Yahoo symbol where Yahoo has one, e.g. ^HSI).';
COMMENT ON COLUMN prices.trade_date IS 'Hong Kong calendar date of the session (exchange-local, never shifted through UTC).';
COMMENT ON COLUMN prices.open IS 'Opening level in index points; NULL where the source has only a close.';
COMMENT ON COLUMN prices.high IS 'Session high in index points; NULL where the source has only a close.';
COMMENT ON COLUMN prices.low IS 'Session low in index points; NULL where the source has only a close.';
COMMENT ON COLUMN prices.close IS 'Closing level in index points.';
COMMENT ON COLUMN prices.adj_close IS 'Adjusted close as served by Yahoo; NULL where the source has none (for a price index it equals close).';
COMMENT ON COLUMN prices.volume IS 'Share volume as served by the source; NULL where unknown. Not HKEX turnover.';
COMMENT ON COLUMN prices.turnover_hkd IS 'HKEX total market turnover in HKD on that day (the HSI snapshot volume field); NULL where unknown.';
COMMENT ON COLUMN prices.source IS 'Where the row came from: snapshot (bundled seeds/prices), yahoo, or import:<file name>.';
COMMENT ON COLUMN prices.loaded_at IS 'UTC time the row was inserted or last changed; unchanged rows keep their time.';
