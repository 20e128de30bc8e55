-- 0001 baseline: the warehouse schema of hkpipe as it was at commit c087877, the last version
-- before versioned migrations (formerly sql/schema/01..10, verbatim).
--
-- Every table is created with IF NOT EXISTS, as it was then. So a warehouse written by that
-- version (or earlier) adopts this migration without changing a row: its tables already exist,
-- and the COMMENT ON statements rewrite the same comments. A fresh warehouse gets the tables.
-- After an adoption the runner checks that every table has the columns a fresh warehouse has.
--
-- Never edit this file: ship every later change as a new, numbered migration.

-- ---------------------------------------------------------------- 01_prices.sql
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

-- ---------------------------------------------------------------- 02_load_runs.sql
-- One row per symbol per load: what a run received and what it changed. Grows by design.
CREATE TABLE IF NOT EXISTS load_runs (
    run_id         VARCHAR   NOT NULL,
    command        VARCHAR   NOT NULL,
    source         VARCHAR   NOT NULL,
    symbol         VARCHAR   NOT NULL,
    rows_received  BIGINT    NOT NULL,
    rows_inserted  BIGINT    NOT NULL,
    rows_updated   BIGINT    NOT NULL,
    rows_unchanged BIGINT    NOT NULL,
    rows_kept      BIGINT    NOT NULL,
    first_date     DATE,
    last_date      DATE,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL
);

COMMENT ON TABLE load_runs IS 'Load history: one row per symbol per price load. Grows with every run by design.';
COMMENT ON COLUMN load_runs.run_id IS 'Identifier shared by all rows of one command run.';
COMMENT ON COLUMN load_runs.command IS 'The hkpipe command (or flow) that ran the load.';
COMMENT ON COLUMN load_runs.source IS 'snapshot, yahoo or import:<file name>.';
COMMENT ON COLUMN load_runs.symbol IS 'Index symbol loaded.';
COMMENT ON COLUMN load_runs.rows_received IS 'Rows in the validated batch.';
COMMENT ON COLUMN load_runs.rows_inserted IS 'Rows new to the warehouse.';
COMMENT ON COLUMN load_runs.rows_updated IS 'Existing rows whose values changed (e.g. Yahoo revisions).';
COMMENT ON COLUMN load_runs.rows_unchanged IS 'Rows already stored with identical values (not touched).';
COMMENT ON COLUMN load_runs.rows_kept IS 'Snapshot rows not applied because a live source or an import had loaded that day.';
COMMENT ON COLUMN load_runs.first_date IS 'First trade_date in the batch.';
COMMENT ON COLUMN load_runs.last_date IS 'Last trade_date in the batch.';
COMMENT ON COLUMN load_runs.started_at IS 'UTC time the load started.';
COMMENT ON COLUMN load_runs.finished_at IS 'UTC time the load finished (before publishing).';

-- ---------------------------------------------------------------- 03_indexes.sql
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

-- ---------------------------------------------------------------- 04_new_economy_listings.sql
-- Hand-curated post-reform listings with a new-economy tier, from seeds/new_economy_listings.csv.
CREATE TABLE IF NOT EXISTS new_economy_listings (
    stock_code      VARCHAR NOT NULL CHECK (regexp_full_match(stock_code, '[0-9]{5}')),
    name_en         VARCHAR,
    name_zh         VARCHAR,
    board           VARCHAR,
    listing_date    DATE    NOT NULL,
    listing_type    VARCHAR,
    delisting_date  DATE,
    industry        VARCHAR,
    industry_scheme VARCHAR NOT NULL,
    markers         VARCHAR,
    tier            VARCHAR NOT NULL CHECK (tier IN ('core', 'broad', 'new_consumer', 'none')),
    basis           VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    PRIMARY KEY (stock_code, listing_date),
    CHECK (delisting_date IS NULL OR delisting_date > listing_date)
);

COMMENT ON TABLE new_economy_listings IS 'Every Hong Kong listing from 2018-04-30 (listing reform) to 2025-12-31, delisted ones included, with a sourced new-economy tier. Rule: seeds/NEW_ECONOMY.md.';
COMMENT ON COLUMN new_economy_listings.stock_code IS 'HKEX stock code, 5 digits as text. Codes are reused, so the key is (stock_code, listing_date).';
COMMENT ON COLUMN new_economy_listings.name_en IS 'English name at listing (or HKEX short name).';
COMMENT ON COLUMN new_economy_listings.name_zh IS 'Chinese short name where a source gives one.';
COMMENT ON COLUMN new_economy_listings.board IS 'Main Board or GEM (HKEX List of Securities 2025-12-31); empty for issuers gone by then.';
COMMENT ON COLUMN new_economy_listings.listing_date IS 'Date of the first Hong Kong listing in the window.';
COMMENT ON COLUMN new_economy_listings.listing_type IS 'IPO, secondary listing, introduction (dual primary / secondary), or non-IPO (transfer or introduction) per the source flag.';
COMMENT ON COLUMN new_economy_listings.delisting_date IS 'Delisting date; where only an upper bound is known, basis says so. NULL while listed.';
COMMENT ON COLUMN new_economy_listings.industry IS 'Industry as the source names it (Yahoo industry, HSICS industry in Chinese, or the source''s own wording).';
COMMENT ON COLUMN new_economy_listings.industry_scheme IS 'Which scheme industry comes from: yahoo, hsics, source wording, or unknown.';
COMMENT ON COLUMN new_economy_listings.markers IS 'HKEX name markers at listing or on 2025-12-31: B (18A biotech), P (18C pre-commercial), S (secondary listing), W (weighted voting rights).';
COMMENT ON COLUMN new_economy_listings.tier IS 'core (2017 concept-paper industries or a listing-route marker), broad (core plus healthcare, technology, new energy, education, fintech...), new_consumer (broad plus consumer brands), none.';
COMMENT ON COLUMN new_economy_listings.basis IS 'Why this tier, in words, including upper-bound delisting dates.';
COMMENT ON COLUMN new_economy_listings.source IS 'The sources of the row (repository files and page addresses).';

-- ---------------------------------------------------------------- 05_market_events.sql
-- Dated market events named in the claims, from seeds/market_events.csv.
CREATE TABLE IF NOT EXISTS market_events (
    event_id       VARCHAR PRIMARY KEY,
    event          VARCHAR NOT NULL,
    event_date     DATE    NOT NULL,
    announced_date DATE,
    description    VARCHAR,
    source         VARCHAR NOT NULL
);

COMMENT ON TABLE market_events IS 'Sourced dates of market events the claims name (channel launches, product and index launches).';
COMMENT ON COLUMN market_events.event_id IS 'Stable identifier used by the claim ledger.';
COMMENT ON COLUMN market_events.event IS 'What happened.';
COMMENT ON COLUMN market_events.event_date IS 'The day it took effect (launch, first trading day).';
COMMENT ON COLUMN market_events.announced_date IS 'The day it was announced, where earlier.';
COMMENT ON COLUMN market_events.description IS 'Details from the sources.';
COMMENT ON COLUMN market_events.source IS 'Addresses of the sources.';

-- ---------------------------------------------------------------- 06_published_counts.sql
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

-- ---------------------------------------------------------------- 07_index_constituents.sql
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

-- ---------------------------------------------------------------- 08_claim_results.sql
-- Every claim verdict of every check run. Grows by design.
CREATE TABLE IF NOT EXISTS claim_results (
    run_id             VARCHAR   NOT NULL,
    checked_at         TIMESTAMP NOT NULL,
    command            VARCHAR   NOT NULL,
    prices_as_of       DATE,
    claim_id           VARCHAR   NOT NULL,
    statement          VARCHAR   NOT NULL,
    measured_item      VARCHAR   NOT NULL,
    measured           DOUBLE,
    measured_detail    VARCHAR,
    comparison         VARCHAR   NOT NULL,
    verdict            VARCHAR   NOT NULL CHECK (verdict IN ('holds', 'fails', 'unverifiable')),
    expected           VARCHAR   NOT NULL CHECK (expected IN ('holds', 'fails', 'unverifiable')),
    changed            BOOLEAN   NOT NULL,
    rounded_comparison VARCHAR,
    rounded_verdict    VARCHAR,
    evidence           JSON,
    note               VARCHAR,
    PRIMARY KEY (run_id, claim_id)
);

COMMENT ON TABLE claim_results IS 'Claim ledger verdicts, one row per claim per check run (hkpipe run / check). Grows by design.';
COMMENT ON COLUMN claim_results.run_id IS 'The check run.';
COMMENT ON COLUMN claim_results.checked_at IS 'UTC time of the check.';
COMMENT ON COLUMN claim_results.command IS 'hkpipe command that ran the check.';
COMMENT ON COLUMN claim_results.prices_as_of IS 'Last stored trading day of ^HSI when checked (the data as-of date).';
COMMENT ON COLUMN claim_results.claim_id IS 'Claim id from seeds/claims.csv.';
COMMENT ON COLUMN claim_results.statement IS 'The article''s words.';
COMMENT ON COLUMN claim_results.measured_item IS 'Which evidence item is the headline measurement.';
COMMENT ON COLUMN claim_results.measured IS 'The headline measurement (percent, count, month...).';
COMMENT ON COLUMN claim_results.measured_detail IS 'The measurement in words, with its dates.';
COMMENT ON COLUMN claim_results.comparison IS 'The ledger comparison the verdict comes from.';
COMMENT ON COLUMN claim_results.verdict IS 'holds, fails, or unverifiable (the data lacks what the comparison needs).';
COMMENT ON COLUMN claim_results.expected IS 'The verdict recorded in the ledger after review.';
COMMENT ON COLUMN claim_results.changed IS 'True when verdict differs from expected (check exits 1).';
COMMENT ON COLUMN claim_results.rounded_comparison IS 'Comparison for the rounded reading of the article''s figure, where it rounds.';
COMMENT ON COLUMN claim_results.rounded_verdict IS 'Verdict of the rounded reading.';
COMMENT ON COLUMN claim_results.evidence IS 'All evidence rows of the claim query: [{item, value, detail}].';
COMMENT ON COLUMN claim_results.note IS 'Ledger note.';

-- ---------------------------------------------------------------- 09_dq_validations.sql
-- Stored Great Expectations results, reused while data, suites and library are unchanged.
CREATE TABLE IF NOT EXISTS dq_validations (
    suite        VARCHAR   NOT NULL,
    cache_key    VARCHAR   NOT NULL,
    success      BOOLEAN   NOT NULL,
    detail       VARCHAR   NOT NULL,
    validated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (suite, cache_key)
);

COMMENT ON TABLE dq_validations IS 'Great Expectations suite results keyed by a hash of the validated batch, the suite file, its parameters and the GX version; a check reuses a result only when all four are unchanged.';
COMMENT ON COLUMN dq_validations.suite IS 'Suite name (expectations/<suite>.json).';
COMMENT ON COLUMN dq_validations.cache_key IS 'sha256 of batch content, suite file, parameters and GX version.';
COMMENT ON COLUMN dq_validations.success IS 'Whether every expectation passed.';
COMMENT ON COLUMN dq_validations.detail IS 'Summary: expectations evaluated, and each failure with examples.';
COMMENT ON COLUMN dq_validations.validated_at IS 'UTC time GX ran.';

-- ---------------------------------------------------------------- 10_calendar.sql
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

