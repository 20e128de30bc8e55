-- The sweep summaries a check run recorded (claim_sweeps), one row per claim, for the report of
-- that run (as Sweep.as_dict gives them for a fresh check).
-- params: $run_id
SELECT article_id, claim_id, verdict, measured_item, margin, margin_item, vary, variants,
       agreeing, CASE WHEN variants > 0 THEN agreeing / variants END AS agree_share, boundary
FROM claim_sweeps
WHERE run_id = $run_id
ORDER BY article_id, claim_id
