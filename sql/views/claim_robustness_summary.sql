-- Per claim, its latest sweep: the headline margin, the share of variants agreeing with the
-- headline verdict, and the boundary in words.
CREATE OR REPLACE VIEW claim_robustness_summary AS
WITH latest AS (
    SELECT *, row_number() OVER (PARTITION BY article_id, claim_id
                                 ORDER BY checked_at DESC, run_id DESC) AS n
    FROM claim_sweeps
)

SELECT article_id, claim_id, verdict, measured_item, margin, margin_item, vary, variants, agreeing,
       CASE WHEN variants > 0 THEN agreeing / variants END AS agree_share, boundary,
       run_id, checked_at
FROM latest
WHERE n = 1
ORDER BY article_id, claim_id;

COMMENT ON VIEW claim_robustness_summary IS 'One row per claim: the margin of its latest check and, where its ledger declares perturbations, how many variants agree with the headline verdict and where the verdict changes.';
COMMENT ON COLUMN claim_robustness_summary.article_id IS 'The ledger''s article.';
COMMENT ON COLUMN claim_robustness_summary.claim_id IS 'The claim id within its article.';
COMMENT ON COLUMN claim_robustness_summary.verdict IS 'The headline verdict.';
COMMENT ON COLUMN claim_robustness_summary.measured_item IS 'The measured item.';
COMMENT ON COLUMN claim_robustness_summary.margin IS 'Measured minus threshold, in margin_item''s unit, oriented so that positive means the comparison holds (claim_sweeps.margin).';
COMMENT ON COLUMN claim_robustness_summary.margin_item IS 'The item the margin is measured on.';
COMMENT ON COLUMN claim_robustness_summary.vary IS 'The varied parameters and values; NULL when none is declared.';
COMMENT ON COLUMN claim_robustness_summary.variants IS 'Variants measured (0: none declared).';
COMMENT ON COLUMN claim_robustness_summary.agreeing IS 'Variants with the headline verdict.';
COMMENT ON COLUMN claim_robustness_summary.agree_share IS 'agreeing / variants; NULL without variants.';
COMMENT ON COLUMN claim_robustness_summary.boundary IS 'Where the verdict changes along the last varied parameter, in words.';
COMMENT ON COLUMN claim_robustness_summary.run_id IS 'The check run.';
COMMENT ON COLUMN claim_robustness_summary.checked_at IS 'When it ran (UTC).';
