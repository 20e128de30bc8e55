-- Record a check run's claim variants, from the registered frame variant_batch.
-- params: $run_id
INSERT INTO claim_variants (run_id, article_id, claim_id, variant, varied, params, measured,
    verdict)
SELECT $run_id, article_id, claim_id, variant, varied, params::JSON, measured, verdict
FROM variant_batch
