-- Record one claim's sweep summary of a check run.
INSERT INTO claim_sweeps (run_id, checked_at, article_id, claim_id, verdict, measured_item,
    margin, margin_item, vary, variants, agreeing, boundary)
VALUES ($run_id, $checked_at, $article_id, $claim_id, $verdict, $measured_item, $margin,
    $margin_item, $vary, $variants, $agreeing, $boundary)
