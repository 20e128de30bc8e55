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
