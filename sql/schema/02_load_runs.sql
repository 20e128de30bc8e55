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
