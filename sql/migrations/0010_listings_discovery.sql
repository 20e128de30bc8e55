-- 0010: daily discovery of new listings from HKEX's List of Securities (issue 19 part 3).
--
-- Each stored list adds a row to securities_lists; its equity issuers extend or open intervals
-- in listed_securities (the list's history, one row per code and ISIN for as long as it is on
-- consecutive stored lists); what the curated seeds do not hold is logged once in
-- listing_candidate_log. The view listing_candidates adds each candidate's review status.

CREATE TABLE securities_lists (
    as_of        DATE      NOT NULL PRIMARY KEY,
    equity_lines INTEGER   NOT NULL,
    issuers      INTEGER   NOT NULL,
    url          VARCHAR   NOT NULL,
    run_id       VARCHAR   NOT NULL,
    loaded_at    TIMESTAMP NOT NULL
);

COMMENT ON TABLE securities_lists IS 'Every HKEX List of Securities stored by hkpipe refresh --listings (or the daily flow), one row per list date.';
COMMENT ON COLUMN securities_lists.as_of IS 'The list''s date, from its header "Updated as at DD/MM/YYYY".';
COMMENT ON COLUMN securities_lists.equity_lines IS 'Rows of category Equity on the list, before the issuer filters.';
COMMENT ON COLUMN securities_lists.issuers IS 'Equity issuers after the filters of the listed_issuers baseline (HKD, issuer sub-categories, no temporary counters or rights lines, one line per ISIN).';
COMMENT ON COLUMN securities_lists.url IS 'Where the workbook was fetched from (HKPIPE_HKEX_SECURITIES_URL).';
COMMENT ON COLUMN securities_lists.run_id IS 'The run that stored the list.';
COMMENT ON COLUMN securities_lists.loaded_at IS 'When it was stored (UTC).';

CREATE TABLE listed_securities (
    stock_code VARCHAR NOT NULL,
    isin       VARCHAR,
    short_name VARCHAR NOT NULL,
    board      VARCHAR NOT NULL,
    board_lot  BIGINT,
    markers    VARCHAR NOT NULL,
    first_seen DATE    NOT NULL,
    last_seen  DATE    NOT NULL,
    PRIMARY KEY (stock_code, first_seen),
    CHECK (last_seen >= first_seen)
);

COMMENT ON TABLE listed_securities IS 'The history of the stored Lists of Securities: one row per equity issuer line (code and ISIN) for as long as it is on consecutive stored lists. A code that leaves and comes back, or changes ISIN, opens a new row.';
COMMENT ON COLUMN listed_securities.stock_code IS 'HKEX stock code, 5 digits with leading zeros.';
COMMENT ON COLUMN listed_securities.isin IS 'ISIN on the list (NULL where the list gives none).';
COMMENT ON COLUMN listed_securities.short_name IS 'HKEX''s English short name on the latest list of the interval.';
COMMENT ON COLUMN listed_securities.board IS 'Main Board, GEM, Main Board (Ch.21 investment company) or Main Board (depositary receipt), from the list''s Sub-Category.';
COMMENT ON COLUMN listed_securities.board_lot IS 'Board lot (shares) on the latest list of the interval.';
COMMENT ON COLUMN listed_securities.markers IS 'Route markers in the short name, in B, P, S, W order (B Chapter 18A, P Chapter 18C, S secondary listing, W weighted voting rights); empty for none.';
COMMENT ON COLUMN listed_securities.first_seen IS 'The first stored list the line is on (not its listing date: the list holds none).';
COMMENT ON COLUMN listed_securities.last_seen IS 'The last stored list the line is on.';

CREATE TABLE listing_candidate_log (
    kind          VARCHAR NOT NULL CHECK (kind IN ('listing', 'delisting')),
    stock_code    VARCHAR NOT NULL,
    since         DATE    NOT NULL,
    short_name    VARCHAR,
    isin          VARCHAR,
    board         VARCHAR,
    markers       VARCHAR,
    proposed_tier VARCHAR,
    tier_basis    VARCHAR,
    bars_from     DATE,
    raised_on     DATE    NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (kind, stock_code, since)
);

COMMENT ON TABLE listing_candidate_log IS 'Each candidate listing and delisting as first raised by a stored List of Securities, once; listing_candidates adds its review status.';
COMMENT ON COLUMN listing_candidate_log.kind IS 'listing: a code on the list that no curated listing (new_economy_listings, or the 2025-12-31 baseline listed_issuers) covers; delisting: a curated listing missing from the list.';
COMMENT ON COLUMN listing_candidate_log.stock_code IS 'HKEX stock code.';
COMMENT ON COLUMN listing_candidate_log.since IS 'listing: the date the line was first seen (listed_securities.first_seen); delisting: the curated listing''s listing_date.';
COMMENT ON COLUMN listing_candidate_log.short_name IS 'HKEX''s short name (listing), or the curated English name (delisting).';
COMMENT ON COLUMN listing_candidate_log.isin IS 'ISIN on the list (listings).';
COMMENT ON COLUMN listing_candidate_log.board IS 'Board from the list (listings) or the curated row (delistings).';
COMMENT ON COLUMN listing_candidate_log.markers IS 'Route markers parsed from the short name (B, P, S, W).';
COMMENT ON COLUMN listing_candidate_log.proposed_tier IS 'The tier the rule of seeds/NEW_ECONOMY.md gives from what the list says: core for a B, P or W marker; unknown where the rule needs an industry no source gave (listings only).';
COMMENT ON COLUMN listing_candidate_log.tier_basis IS 'Why that tier, in words.';
COMMENT ON COLUMN listing_candidate_log.bars_from IS 'listing: the first day whose bars belong to this candidate (after the code''s previous holder left, and after the 2025-12-31 baseline); its prices are fetched from here.';
COMMENT ON COLUMN listing_candidate_log.raised_on IS 'The list date that raised it.';
COMMENT ON COLUMN listing_candidate_log.run_id IS 'The run that raised it.';
