-- The sweep summaries a check run recorded (claim_sweeps), one row per claim, for the report of
-- that run (the columns of Sweep.as_dict for a fresh check that the report shows).
-- params: $run_id
SELECT article_id, claim_id, verdict, measured_item, margin, margin_item, vary, variants,
       agreeing, boundary
FROM claim_sweeps
WHERE run_id = $run_id
ORDER BY article_id, claim_id
