-- 0006: per-stock failures of a live universe refresh (hkpipe refresh --universe listings).
--
-- At 800 stocks a suspended, delisted or unknown symbol is a normal day, not an outage: the
-- refresh stores what it fetched and records here, per stock and source, why the others were
-- not fetched, so analysts see which stocks are stale and why. Rows are written by the same
-- build that stores the fetched prices: a refresh that fails outright (too many failures)
-- publishes neither.

CREATE TABLE load_failures (
    run_id        VARCHAR   NOT NULL,
    command       VARCHAR   NOT NULL,
    source        VARCHAR   NOT NULL,
    stock_code    VARCHAR   NOT NULL,
    listing_date  DATE      NOT NULL,
    remote_symbol VARCHAR   NOT NULL,
    reason        VARCHAR   NOT NULL CHECK (reason IN ('unknown', 'not_found', 'empty',
                                   'suspended', 'bad_data', 'after_retries', 'rejected',
                                   'unreachable', 'malformed', 'http_error', 'error')),
    detail        VARCHAR   NOT NULL,
    asked_from    DATE,
    asked_to      DATE,
    failed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, source, stock_code, listing_date)
);

COMMENT ON TABLE load_failures IS 'Stocks a live universe refresh could not fetch, one row per run, source and listing, with the reason; written with the prices that run stored.';
COMMENT ON COLUMN load_failures.remote_symbol IS 'The symbol asked of the source: NNNN.HK for Yahoo, the zero-padded RIC for HKEX.';
COMMENT ON COLUMN load_failures.reason IS 'unknown: the source does not know the symbol; not_found: HTTP 404; empty: an answer without bars; suspended: bars, but none in the sessions asked for; bad_data: a bar in the future, a non-positive price or high below low (nothing of the stock stored); after_retries: timeouts, rate limits or 5xx on every attempt; rejected, unreachable, malformed, http_error, error: as classified by the source.';
COMMENT ON COLUMN load_failures.detail IS 'The failure as the source module described it.';
COMMENT ON COLUMN load_failures.failed_at IS 'UTC wall-clock time of the failure.';
COMMENT ON COLUMN load_failures.run_id IS 'The refresh run (as in load_runs).';
COMMENT ON COLUMN load_failures.command IS 'refresh --universe listings, or flow:daily_refresh.';
COMMENT ON COLUMN load_failures.source IS 'The live source that failed: yahoo or hkex.';
COMMENT ON COLUMN load_failures.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN load_failures.listing_date IS 'Listing date of the listing asked for.';
COMMENT ON COLUMN load_failures.asked_from IS 'First day asked for.';
COMMENT ON COLUMN load_failures.asked_to IS 'Last day asked for (the last completed session).';
