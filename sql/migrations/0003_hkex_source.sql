-- 0003: HKEX's market-data service as a second live source, and every observation kept.
--
-- indexes.hkex_ric: the RIC HKEX's service knows an index by. Old rows get NULL here; the
-- registry is reloaded from seeds/indexes.csv by the same build (run, load-seeds), which
-- fills it.
--
-- price_observations: what each source said about each symbol and day. Existing warehouses
-- hold only the resolved rows of prices, so each becomes the observation of the source it
-- names (prices.source), with its loaded_at. Columns an earlier load filled in (the snapshot's
-- turnover kept under a Yahoo row) stay with that row: it is the only record there is. The
-- next snapshot load adds the snapshot's own observations of the days Yahoo or an import won.
--
-- calendar_exceptions gains kind 'source_disagreement' (a documented day where two sources'
-- closes differ by more than the reconciliation tolerance). DuckDB cannot alter a CHECK, so
-- the table is rebuilt with the same rows; pipeline_meta's 'calendar' row is dropped so that
-- the next build reloads the exceptions file.

ALTER TABLE indexes ADD COLUMN hkex_ric VARCHAR;
COMMENT ON COLUMN indexes.hkex_ric IS 'RIC in HKEX''s market-data service (.HSI, .HSTECH, .HKEXT100); NULL where HKEX does not serve the index.';

CREATE TABLE price_observations (
    symbol       VARCHAR   NOT NULL,
    trade_date   DATE      NOT NULL,
    source       VARCHAR   NOT NULL,
    open         DOUBLE    CHECK (open > 0),
    high         DOUBLE    CHECK (high > 0),
    low          DOUBLE    CHECK (low > 0),
    close        DOUBLE    NOT NULL CHECK (close > 0),
    adj_close    DOUBLE    CHECK (adj_close > 0),
    volume       BIGINT    CHECK (volume >= 0),
    turnover_hkd BIGINT    CHECK (turnover_hkd >= 0),
    loaded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, trade_date, source),
    CHECK (high >= low)
);

INSERT INTO price_observations (symbol, trade_date, source, open, high, low, close, adj_close,
                                volume, turnover_hkd, loaded_at)
SELECT symbol, trade_date, source, open, high, low, close, adj_close, volume, turnover_hkd,
       loaded_at
FROM prices;

COMMENT ON TABLE price_observations IS 'What each source said: one row per symbol, Hong Kong trading day and source. prices holds the one resolved row per symbol and day (precedence: import, hkex, yahoo, snapshot).';
COMMENT ON COLUMN price_observations.symbol IS 'Index symbol as in the indexes table.';
COMMENT ON COLUMN price_observations.trade_date IS 'Hong Kong calendar date of the session.';
COMMENT ON COLUMN price_observations.source IS 'snapshot, yahoo, hkex or import:<file name>.';
COMMENT ON COLUMN price_observations.open IS 'Opening level as the source gave it; NULL where it has none.';
COMMENT ON COLUMN price_observations.high IS 'Session high as the source gave it; NULL where it has none.';
COMMENT ON COLUMN price_observations.low IS 'Session low as the source gave it; NULL where it has none.';
COMMENT ON COLUMN price_observations.close IS 'Close as the source gave it.';
COMMENT ON COLUMN price_observations.adj_close IS 'Adjusted close (Yahoo only).';
COMMENT ON COLUMN price_observations.volume IS 'Share volume as the source gave it; NULL where unknown.';
COMMENT ON COLUMN price_observations.turnover_hkd IS 'Turnover in HKD as the source gave it (HKEX; the HSI snapshot''s market turnover); NULL where unknown.';
COMMENT ON COLUMN price_observations.loaded_at IS 'UTC time the observation was stored or last changed beyond rounding noise.';

COMMENT ON TABLE prices IS 'Daily index levels: one resolved row per symbol and Hong Kong trading day, from the observations of every source by a declared precedence (import, hkex, yahoo, snapshot). A row is rewritten only when its resolved values change.';
COMMENT ON COLUMN prices.source IS 'The source whose open, high, low and close won: import:<file name>, hkex, yahoo or snapshot (snapshot = bundled seeds/prices).';
COMMENT ON COLUMN prices.adj_close IS 'Adjusted close from Yahoo where Yahoo served the day; NULL otherwise (for a price index it equals close).';
COMMENT ON COLUMN prices.volume IS 'Share volume from the highest-precedence source that gives one; NULL where unknown. Not HKEX turnover.';
COMMENT ON COLUMN prices.turnover_hkd IS 'Turnover in HKD from the highest-precedence source that gives one (HKEX; the HSI snapshot''s market turnover); NULL where unknown.';
COMMENT ON COLUMN prices.loaded_at IS 'UTC time the resolved row was inserted or last changed; unchanged rows keep their time.';

CREATE TABLE calendar_exceptions_v3 (
    date   DATE    NOT NULL,
    symbol VARCHAR NOT NULL,
    kind   VARCHAR NOT NULL CHECK (kind IN ('closure', 'calendar_gap', 'data_gap',
                                           'extra_session', 'large_move',
                                           'source_disagreement')),
    reason VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (date, symbol, kind)
);
INSERT INTO calendar_exceptions_v3 (date, symbol, kind, reason, source)
SELECT date, symbol, kind, reason, source FROM calendar_exceptions;
DROP TABLE calendar_exceptions;
ALTER TABLE calendar_exceptions_v3 RENAME TO calendar_exceptions;
DELETE FROM pipeline_meta WHERE key = 'calendar';

COMMENT ON TABLE calendar_exceptions IS 'Documented exceptions, from expectations/xhkg_exceptions.csv: all-day closures the calendar misses, its errors, known data gaps, inspected daily moves over 10%, and days two sources are known to disagree.';
COMMENT ON COLUMN calendar_exceptions.date IS 'The day.';
COMMENT ON COLUMN calendar_exceptions.symbol IS 'The symbol it concerns, or * for every symbol.';
COMMENT ON COLUMN calendar_exceptions.kind IS 'closure, calendar_gap, data_gap, extra_session, large_move or source_disagreement.';
COMMENT ON COLUMN calendar_exceptions.reason IS 'What happened.';
COMMENT ON COLUMN calendar_exceptions.source IS 'Where that is documented.';
