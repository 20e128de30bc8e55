-- Verdict history: per claim, every recorded check at which its verdict or its measured value
-- changed (a claim's first recorded check counts as a change), with what moved since the
-- claim's previous recorded check, so that a change can be traced to an edited ledger or to new
-- data. Checks are ordered by checked_at (the wall-clock time the check recorded, taken inside
-- the build, so in the order the writes were published), then run_id.
CREATE OR REPLACE VIEW claim_history AS
WITH checks AS (
    -- every recorded check of a claim, beside the claim's previous recorded check
    SELECT
        article_id,
        claim_id,
        run_id,
        checked_at,
        command,
        verdict,
        measured,
        prices_as_of AS data_as_of,
        ledger_sha256,
        row_number() OVER claim_checks AS check_number,
        lag(run_id) OVER claim_checks AS previous_run_id,
        lag(verdict) OVER claim_checks AS previous_verdict,
        lag(measured) OVER claim_checks AS previous_measured,
        lag(prices_as_of) OVER claim_checks AS previous_data_as_of,
        lag(ledger_sha256) OVER claim_checks AS previous_ledger_sha256
    FROM claim_results
    WINDOW claim_checks AS (PARTITION BY article_id, claim_id ORDER BY checked_at, run_id)
),

changes AS (
    -- only the checks where something a reader sees changed
    SELECT
        *,
        ledger_sha256 IS NOT NULL AND previous_ledger_sha256 IS NOT NULL AS ledger_recorded,
        ledger_sha256 IS DISTINCT FROM previous_ledger_sha256 AS ledger_edited,
        data_as_of IS DISTINCT FROM previous_data_as_of AS data_moved
    FROM checks
    WHERE check_number = 1
       OR verdict IS DISTINCT FROM previous_verdict
       OR measured IS DISTINCT FROM previous_measured
),

final AS (
    SELECT
        article_id,
        claim_id,
        run_id,
        checked_at,
        command,
        verdict,
        previous_verdict,
        measured,
        previous_measured,
        data_as_of,
        previous_data_as_of,
        ledger_sha256,
        previous_ledger_sha256,
        previous_run_id,
        CASE
            WHEN check_number = 1 THEN 'first run'
            -- one of the two checks predates migration 0012: an edit cannot be ruled in or out
            WHEN NOT ledger_recorded THEN 'ledger not recorded'
            WHEN ledger_edited AND data_moved THEN 'ledger edited and new data'
            WHEN ledger_edited THEN 'ledger edited'
            WHEN data_moved THEN 'new data'
            ELSE 'unexplained'
        END AS cause
    FROM changes
)

SELECT * FROM final ORDER BY article_id, claim_id, checked_at, run_id;

COMMENT ON VIEW claim_history IS 'Verdict history: per claim, each recorded check at which its verdict or measured value changed (its first recorded check counts), with the data as-of date and the ledger hash then and at the check before, and the cause. Checks are ordered by checked_at, then run_id; check --no-record and report record nothing, so they are not in it.';
COMMENT ON COLUMN claim_history.article_id IS 'The source of the claim: its folder seeds/articles/<article_id>/.';
COMMENT ON COLUMN claim_history.claim_id IS 'Claim id from the article''s claims.csv.';
COMMENT ON COLUMN claim_history.run_id IS 'The check run at which the change was recorded.';
COMMENT ON COLUMN claim_history.checked_at IS 'UTC wall-clock time that check recorded (claim_results.checked_at; HKPIPE_NOW does not move it).';
COMMENT ON COLUMN claim_history.command IS 'hkpipe command that ran the check (run, refresh, check).';
COMMENT ON COLUMN claim_history.verdict IS 'The verdict from this check on: holds, fails or unverifiable.';
COMMENT ON COLUMN claim_history.previous_verdict IS 'The verdict at the claim''s previous recorded check; NULL at its first.';
COMMENT ON COLUMN claim_history.measured IS 'The headline measurement from this check on (NULL: not measurable).';
COMMENT ON COLUMN claim_history.previous_measured IS 'The headline measurement at the claim''s previous recorded check; NULL at its first or where it was not measurable.';
COMMENT ON COLUMN claim_history.data_as_of IS 'As-of date of the data the claim''s query read at this check (claim_results.prices_as_of: for a price claim the symbol''s last stored session, for a count the date counted at; NULL where the data carries none).';
COMMENT ON COLUMN claim_history.previous_data_as_of IS 'The data as-of date at the claim''s previous recorded check.';
COMMENT ON COLUMN claim_history.ledger_sha256 IS 'sha256 of the article''s claims.csv as this check read it; NULL: not recorded before migration 0012.';
COMMENT ON COLUMN claim_history.previous_ledger_sha256 IS 'sha256 of the article''s claims.csv at the claim''s previous recorded check; NULL at its first or before migration 0012.';
COMMENT ON COLUMN claim_history.previous_run_id IS 'The claim''s previous recorded check run (the one compared with); NULL at its first.';
COMMENT ON COLUMN claim_history.cause IS 'What moved since the previous recorded check: first run (no earlier check of the claim); ledger edited (the claims.csv hash differs, the data as-of date does not); new data (the as-of date differs, the hash does not); ledger edited and new data (both); ledger not recorded (either check predates migration 0012, so an edit can be neither ruled in nor out); unexplained (neither moved: a code change such as a claim query, view or macro, or data changed without moving its as-of date, e.g. a corrected row or an edited seed table).';
