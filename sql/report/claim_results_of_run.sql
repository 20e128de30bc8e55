-- The claim verdicts one check run recorded, in ledger order of recording.
SELECT claim_id, statement, measured_item, measured, measured_detail, comparison, verdict,
       expected, rounded_comparison, rounded_verdict, evidence::VARCHAR AS evidence, note
FROM claim_results
WHERE run_id = $run_id
ORDER BY rowid
