-- 0011: claim perturbations (issue 24 part 1). Each check run stores, per claim, its margin and
-- the verdict summary of its declared variants (claim_sweeps), and one row per variant
-- (claim_variants). The views claim_robustness and claim_robustness_summary read the latest.

CREATE TABLE claim_sweeps (
    run_id        VARCHAR   NOT NULL,
    checked_at    TIMESTAMP NOT NULL,
    article_id    VARCHAR   NOT NULL,
    claim_id      VARCHAR   NOT NULL,
    verdict       VARCHAR   NOT NULL,
    measured_item VARCHAR   NOT NULL,
    margin        DOUBLE,
    margin_item   VARCHAR,
    vary          VARCHAR,
    variants      INTEGER   NOT NULL,
    agreeing      INTEGER   NOT NULL,
    boundary      VARCHAR,
    PRIMARY KEY (run_id, article_id, claim_id)
);

COMMENT ON TABLE claim_sweeps IS 'Per check run and claim: the headline margin and the summary of the perturbations its ledger declares (hkpipe.checks.sweeps). Grows by design, as claim_results does.';
COMMENT ON COLUMN claim_sweeps.run_id IS 'The check run (as in claim_results).';
COMMENT ON COLUMN claim_sweeps.checked_at IS 'UTC time of the check.';
COMMENT ON COLUMN claim_sweeps.article_id IS 'The ledger''s article (a folder in seeds/articles/).';
COMMENT ON COLUMN claim_sweeps.claim_id IS 'The claim id within its article.';
COMMENT ON COLUMN claim_sweeps.verdict IS 'The headline verdict (the ledger''s own parameters).';
COMMENT ON COLUMN claim_sweeps.measured_item IS 'The evidence item the claim measures.';
COMMENT ON COLUMN claim_sweeps.margin IS 'How far the headline measurement is from deciding the other way, in margin_item''s unit: the smallest oriented distance (measured - other for > >= = !=, other - measured for < <=) of the comparisons that read it; positive where they hold. NULL where a side is unknown.';
COMMENT ON COLUMN claim_sweeps.margin_item IS 'The item margin is measured on: the measured item where the comparison reads it, else the first item it compares (abs_gap_pct for a published count).';
COMMENT ON COLUMN claim_sweeps.vary IS 'The varied parameters and their values (name=a|b|c; ...), as the ledger''s vary column expands; NULL when none is declared.';
COMMENT ON COLUMN claim_sweeps.variants IS 'How many variants were measured (0 when none is declared).';
COMMENT ON COLUMN claim_sweeps.agreeing IS 'Variants whose verdict is the headline verdict.';
COMMENT ON COLUMN claim_sweeps.boundary IS 'Where the verdict changes along the last varied parameter (the others grouped, groups separated by |), in words.';

CREATE TABLE claim_variants (
    run_id     VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    claim_id   VARCHAR NOT NULL,
    variant    INTEGER NOT NULL,
    varied     VARCHAR NOT NULL,
    params     JSON    NOT NULL,
    measured   DOUBLE,
    verdict    VARCHAR NOT NULL CHECK (verdict IN ('holds', 'fails', 'unverifiable')),
    PRIMARY KEY (run_id, article_id, claim_id, variant)
);

COMMENT ON TABLE claim_variants IS 'One row per claim variant of a check run: the varied parameters, the measured value and the verdict (hkpipe.checks.sweeps).';
COMMENT ON COLUMN claim_variants.run_id IS 'The check run.';
COMMENT ON COLUMN claim_variants.article_id IS 'The ledger''s article.';
COMMENT ON COLUMN claim_variants.claim_id IS 'The claim id within its article.';
COMMENT ON COLUMN claim_variants.variant IS 'The variant''s number, in the order of the grid (the last varied parameter fastest).';
COMMENT ON COLUMN claim_variants.varied IS 'The varied parameters of this variant, as name=value; name=value.';
COMMENT ON COLUMN claim_variants.params IS 'The same as a JSON object (dates as ISO text).';
COMMENT ON COLUMN claim_variants.measured IS 'The measured item''s value in this variant (the item named by measured= where that is varied); NULL when the data lacks it.';
COMMENT ON COLUMN claim_variants.verdict IS 'holds, fails or unverifiable: the ledger''s comparison (its threshold or measured item swapped where varied) over this variant''s evidence.';
