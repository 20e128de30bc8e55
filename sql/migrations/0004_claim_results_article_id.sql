-- 0004: claim_results records the article (source of claims) of every verdict.
--
-- Claims now come from one ledger per article, seeds/articles/<article_id>/claims.csv, and a
-- claim id is unique within its article only, so the key becomes (run_id, article_id,
-- claim_id).
--
-- How past verdicts get their article id: before this migration there was one ledger,
-- seeds/claims.csv, and every claim in it came from the Global Times article of 2026-01-04
-- (README; seeds/published_counts.csv row 2025-12-31). So every row stored before now gets
-- article_id = 'globaltimes-2026-01-04', the id of that article's folder. Every other value of
-- every stored row is kept as it was; for those rows prices_as_of keeps what it meant then (the
-- last stored ^HSI session when checked).
--
-- DuckDB cannot change a primary key in place, so the table is rebuilt under the new key, its
-- rows copied over by name, and the old table dropped (on the build's private copy: a failure
-- publishes nothing).
CREATE TABLE claim_results_0004 (
    run_id             VARCHAR   NOT NULL,
    checked_at         TIMESTAMP NOT NULL,
    command            VARCHAR   NOT NULL,
    prices_as_of       DATE,
    article_id         VARCHAR   NOT NULL,
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
    PRIMARY KEY (run_id, article_id, claim_id)
);

INSERT INTO claim_results_0004 (run_id, checked_at, command, prices_as_of, article_id,
    claim_id, statement, measured_item, measured, measured_detail, comparison, verdict,
    expected, changed, rounded_comparison, rounded_verdict, evidence, note)
SELECT run_id, checked_at, command, prices_as_of, 'globaltimes-2026-01-04', claim_id,
    statement, measured_item, measured, measured_detail, comparison, verdict, expected,
    changed, rounded_comparison, rounded_verdict, evidence, note
FROM claim_results;

DROP TABLE claim_results;

ALTER TABLE claim_results_0004 RENAME TO claim_results;

COMMENT ON TABLE claim_results IS 'Claim ledger verdicts, one row per claim per check run (hkpipe run / check), for every article checked. Grows by design.';
COMMENT ON COLUMN claim_results.run_id IS 'The check run.';
COMMENT ON COLUMN claim_results.checked_at IS 'UTC time of the check.';
COMMENT ON COLUMN claim_results.command IS 'hkpipe command that ran the check.';
COMMENT ON COLUMN claim_results.prices_as_of IS 'As-of date of the data the claim''s query read: for a price claim the last stored session of the symbol it measured; for a count of listings the date counted at; for a dated event or list its own date; NULL where the data carries none. Rows recorded before migration 0004: the last stored ^HSI session.';
COMMENT ON COLUMN claim_results.article_id IS 'The source of the claim: its folder seeds/articles/<article_id>/. Rows recorded before migration 0004: globaltimes-2026-01-04, the only ledger then.';
COMMENT ON COLUMN claim_results.claim_id IS 'Claim id from the article''s claims.csv (unique within the article).';
COMMENT ON COLUMN claim_results.statement IS 'The claim''s words, as the ledger gives them.';
COMMENT ON COLUMN claim_results.measured_item IS 'Which evidence item is the headline measurement.';
COMMENT ON COLUMN claim_results.measured IS 'The headline measurement (percent, count, month...).';
COMMENT ON COLUMN claim_results.measured_detail IS 'The measurement in words, with its dates.';
COMMENT ON COLUMN claim_results.comparison IS 'The ledger comparison the verdict comes from.';
COMMENT ON COLUMN claim_results.verdict IS 'holds, fails, or unverifiable (the data lacks what the comparison needs).';
COMMENT ON COLUMN claim_results.expected IS 'The verdict recorded in the ledger after review.';
COMMENT ON COLUMN claim_results.changed IS 'True when verdict differs from expected (check exits 1).';
COMMENT ON COLUMN claim_results.rounded_comparison IS 'Comparison of the second reading (rounded as the source rounds, or declared looser), where the ledger gives one.';
COMMENT ON COLUMN claim_results.rounded_verdict IS 'Verdict of the second reading.';
COMMENT ON COLUMN claim_results.evidence IS 'All evidence rows of the claim query: [{item, value, detail}].';
COMMENT ON COLUMN claim_results.note IS 'Ledger note.';
