-- Every variant of each claim's latest sweep (the run claim_robustness_summary names, so
-- "latest" is decided there once), beside the headline verdict it agrees or disagrees with.
CREATE OR REPLACE VIEW claim_robustness AS
SELECT v.article_id, v.claim_id, v.variant, v.varied, v.params, v.measured, v.verdict,
       s.verdict AS headline_verdict, v.verdict = s.verdict AS agrees, v.run_id
FROM claim_variants AS v
JOIN claim_robustness_summary AS s USING (article_id, claim_id, run_id)
ORDER BY v.article_id, v.claim_id, v.variant;

COMMENT ON VIEW claim_robustness IS 'One row per claim and variant of its latest sweep: the varied parameters, the measured value and the verdict (declared in the ledger''s vary column; hkpipe.checks.sweeps).';
COMMENT ON COLUMN claim_robustness.article_id IS 'The ledger''s article.';
COMMENT ON COLUMN claim_robustness.claim_id IS 'The claim id within its article.';
COMMENT ON COLUMN claim_robustness.variant IS 'The variant''s number in the grid.';
COMMENT ON COLUMN claim_robustness.varied IS 'The varied parameters, as name=value; name=value.';
COMMENT ON COLUMN claim_robustness.params IS 'The same as a JSON object.';
COMMENT ON COLUMN claim_robustness.measured IS 'The measured value in this variant.';
COMMENT ON COLUMN claim_robustness.verdict IS 'The variant''s verdict.';
COMMENT ON COLUMN claim_robustness.headline_verdict IS 'The verdict with the ledger''s own parameters, in the same run.';
COMMENT ON COLUMN claim_robustness.agrees IS 'True where the variant''s verdict is the headline verdict.';
COMMENT ON COLUMN claim_robustness.run_id IS 'The check run that measured them.';
