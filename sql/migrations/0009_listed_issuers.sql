-- 0009: the baseline for discovering new listings from HKEX's List of Securities (issue 19
-- part 3).
--
-- listed_issuers is the baseline seed of every equity issuer HKEX listed at 2025-12-31 (and the
-- delisted post-2018 listings the sourced data knows), so that equities listed before the 2018
-- reform, which the curated new_economy_listings does not hold, are not taken for new listings.
-- It also counts all listed issuers, against which the official shares of listed firms are read.

CREATE TABLE listed_issuers (
    stock_code           VARCHAR NOT NULL,
    short_name           VARCHAR,
    isin                 VARCHAR,
    board                VARCHAR,
    listing_date         DATE,
    delisting_date       DATE,
    listed_at_2025_12_31 VARCHAR NOT NULL,
    source               VARCHAR NOT NULL
);

COMMENT ON TABLE listed_issuers IS 'Every equity issuer on HKEX''s List of Securities of 2025-12-31 (Equity, HKD, ordinary Main Board/GEM lines) plus the post-2018 listings the sources know to have left, verbatim from seeds/listed_issuers.csv (built by scripts/make_listed_issuers.py). The baseline listings discovery compares the daily list with.';
COMMENT ON COLUMN listed_issuers.stock_code IS 'HKEX stock code, 5 digits with leading zeros; codes are reused, so a code can have several rows.';
COMMENT ON COLUMN listed_issuers.short_name IS 'HKEX''s English short name on 2025-12-31, or the name at listing (English, else Chinese) for an issuer no longer listed.';
COMMENT ON COLUMN listed_issuers.isin IS 'ISIN on the 2025-12-31 list (NULL for issuers not on it).';
COMMENT ON COLUMN listed_issuers.board IS 'Main Board, GEM, Main Board (Ch.21 investment company) or Main Board (depositary receipt); NULL where the source gives none.';
COMMENT ON COLUMN listed_issuers.listing_date IS 'Listing date where a source gives one (NULL for most pre-2018 issuers).';
COMMENT ON COLUMN listed_issuers.delisting_date IS 'Delisting date where a source gives one.';
COMMENT ON COLUMN listed_issuers.listed_at_2025_12_31 IS 'Y: on the 2025-12-31 list; N: delisted (date known); N (not in LoS 2025-12-31): absent from that list, no delisting date known.';
COMMENT ON COLUMN listed_issuers.source IS 'Where the row comes from.';
