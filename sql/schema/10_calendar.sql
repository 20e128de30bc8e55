-- The XHKG trading calendar as exchange_calendars gives it, and the documented exceptions,
-- so checks and analysts can use the calendar in SQL.
CREATE TABLE IF NOT EXISTS xhkg_sessions (
    session   DATE      PRIMARY KEY,
    close_utc TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS calendar_exceptions (
    date   DATE    NOT NULL,
    symbol VARCHAR NOT NULL,
    kind   VARCHAR NOT NULL CHECK (kind IN ('closure', 'calendar_gap', 'data_gap',
                                           'extra_session', 'large_move')),
    reason VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (date, symbol, kind)
);

CREATE TABLE IF NOT EXISTS pipeline_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

COMMENT ON TABLE xhkg_sessions IS 'Hong Kong exchange (XHKG) sessions from exchange_calendars, 1986 to about a year ahead; see calendar_exceptions for the days it gets wrong.';
COMMENT ON COLUMN xhkg_sessions.session IS 'Session date (Hong Kong).';
COMMENT ON COLUMN xhkg_sessions.close_utc IS 'Scheduled close of the session in UTC (16:00 HKT, 12:00 HKT on half days).';
COMMENT ON TABLE calendar_exceptions IS 'Documented exceptions to the calendar, from expectations/xhkg_exceptions.csv: all-day closures it misses, its errors, known data gaps, and inspected daily moves over 10%.';
COMMENT ON COLUMN calendar_exceptions.date IS 'The day.';
COMMENT ON COLUMN calendar_exceptions.symbol IS 'The symbol it concerns, or * for every symbol.';
COMMENT ON COLUMN calendar_exceptions.kind IS 'closure, calendar_gap, data_gap, extra_session or large_move.';
COMMENT ON COLUMN calendar_exceptions.reason IS 'What happened.';
COMMENT ON COLUMN calendar_exceptions.source IS 'Where that is documented.';
COMMENT ON TABLE pipeline_meta IS 'Bookkeeping: versions of the schema and calendar the warehouse was built with.';
COMMENT ON COLUMN pipeline_meta.key IS 'What is recorded.';
COMMENT ON COLUMN pipeline_meta.value IS 'Its value (a hash or version).';
