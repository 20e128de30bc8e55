-- Record one claim verdict of a check run (columns named, so a migration may add columns).
INSERT INTO claim_results (run_id, checked_at, command, prices_as_of, article_id, claim_id,
    statement, measured_item, measured, measured_detail, comparison, verdict, expected, changed,
    rounded_comparison, rounded_verdict, evidence, note, ledger_sha256)
VALUES ($run_id, $checked_at, $command, $data_as_of, $article_id, $claim_id, $statement,
    $measured_item, $measured, $measured_detail, $comparison, $verdict, $expected, $changed,
    $rounded_comparison, $rounded_verdict, $evidence::JSON, $note, $ledger_sha256)
