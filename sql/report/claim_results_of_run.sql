-- The claim verdicts one check run recorded, in order of recording.
SELECT article_id, claim_id, statement, measured_item, measured, measured_detail, comparison,
       verdict, expected, rounded_comparison, rounded_verdict, evidence::VARCHAR AS evidence,
       note, prices_as_of, checked_at, ledger_sha256
FROM claim_results
WHERE run_id = $run_id
ORDER BY rowid
