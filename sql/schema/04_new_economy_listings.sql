-- Hand-curated post-reform listings with a new-economy tier, from seeds/new_economy_listings.csv.
CREATE TABLE IF NOT EXISTS new_economy_listings (
    stock_code      VARCHAR NOT NULL CHECK (regexp_full_match(stock_code, '[0-9]{5}')),
    name_en         VARCHAR,
    name_zh         VARCHAR,
    board           VARCHAR,
    listing_date    DATE    NOT NULL,
    listing_type    VARCHAR,
    delisting_date  DATE,
    industry        VARCHAR,
    industry_scheme VARCHAR NOT NULL,
    markers         VARCHAR,
    tier            VARCHAR NOT NULL CHECK (tier IN ('core', 'broad', 'new_consumer', 'none')),
    basis           VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    PRIMARY KEY (stock_code, listing_date),
    CHECK (delisting_date IS NULL OR delisting_date > listing_date)
);

COMMENT ON TABLE new_economy_listings IS 'Every Hong Kong listing from 2018-04-30 (listing reform) to 2025-12-31, delisted ones included, with a sourced new-economy tier. Rule: seeds/NEW_ECONOMY.md.';
COMMENT ON COLUMN new_economy_listings.stock_code IS 'HKEX stock code, 5 digits as text. Codes are reused, so the key is (stock_code, listing_date).';
COMMENT ON COLUMN new_economy_listings.name_en IS 'English name at listing (or HKEX short name).';
COMMENT ON COLUMN new_economy_listings.name_zh IS 'Chinese short name where a source gives one.';
COMMENT ON COLUMN new_economy_listings.board IS 'Main Board or GEM (HKEX List of Securities 2025-12-31); empty for issuers gone by then.';
COMMENT ON COLUMN new_economy_listings.listing_date IS 'Date of the first Hong Kong listing in the window.';
COMMENT ON COLUMN new_economy_listings.listing_type IS 'IPO, secondary listing, introduction (dual primary / secondary), or non-IPO (transfer or introduction) per the source flag.';
COMMENT ON COLUMN new_economy_listings.delisting_date IS 'Delisting date; where only an upper bound is known, basis says so. NULL while listed.';
COMMENT ON COLUMN new_economy_listings.industry IS 'Industry as the source names it (Yahoo industry, HSICS industry in Chinese, or the source''s own wording).';
COMMENT ON COLUMN new_economy_listings.industry_scheme IS 'Which scheme industry comes from: yahoo, hsics, source wording, or unknown.';
COMMENT ON COLUMN new_economy_listings.markers IS 'HKEX name markers at listing or on 2025-12-31: B (18A biotech), P (18C pre-commercial), S (secondary listing), W (weighted voting rights).';
COMMENT ON COLUMN new_economy_listings.tier IS 'core (2017 concept-paper industries or a listing-route marker), broad (core plus healthcare, technology, new energy, education, fintech...), new_consumer (broad plus consumer brands), none.';
COMMENT ON COLUMN new_economy_listings.basis IS 'Why this tier, in words, including upper-bound delisting dates.';
COMMENT ON COLUMN new_economy_listings.source IS 'The sources of the row (repository files and page addresses).';
