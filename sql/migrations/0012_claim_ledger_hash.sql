-- 0012: every verdict records which ledger judged it (issue 24 part 2, verdict history).
--
-- ledger_sha256 is the sha256 of the bytes of the article's claims.csv as the check read it,
-- so the view claim_history can tell a verdict that changed because its ledger was edited from
-- one that changed because the data moved (claim_results.prices_as_of, already recorded per
-- row). Only claims.csv is hashed: it alone holds what a verdict is computed from (the query,
-- its parameters, the comparison); article.toml holds the article's metadata, passages and
-- report charts, and an edit there changes no verdict.
--
-- Rows recorded before this migration get NULL: the ledger they were judged by was not kept,
-- and a hash of today's file would claim a fact nobody recorded.
ALTER TABLE claim_results ADD COLUMN ledger_sha256 VARCHAR;

COMMENT ON COLUMN claim_results.ledger_sha256 IS 'sha256 (hex) of the bytes of the ledger seeds/articles/<article_id>/claims.csv as the check read it (sha256sum gives the same); an edit to any of its rows changes it. NULL: not recorded before migration 0012.';
