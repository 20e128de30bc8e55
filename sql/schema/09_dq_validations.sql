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
