-- 0008: the data's end declared once (data_coverage), the demand facts of each offer and the
-- compilation's sourced listing route (ipo_demand), and comments that no longer write the end
-- as a date. New tables only; the build that applies this migration loads both from seeds/.

CREATE TABLE data_coverage (
    dataset     VARCHAR NOT NULL PRIMARY KEY,
    covers_from DATE    NOT NULL,
    covers_to   DATE    NOT NULL CHECK (covers_to >= covers_from),
    scope       VARCHAR NOT NULL,
    not_covered VARCHAR NOT NULL,
    source      VARCHAR NOT NULL
);

COMMENT ON TABLE data_coverage IS 'What each curated dataset covers (seeds/data_coverage.csv): the one place the data''s end is declared. Every view, check, claim and report text reads it through listings_data_end().';
COMMENT ON COLUMN data_coverage.dataset IS 'The dataset: new_economy_listings (whose offers and demand facts share its coverage).';
COMMENT ON COLUMN data_coverage.covers_from IS 'First listing date covered.';
COMMENT ON COLUMN data_coverage.covers_to IS 'Last listing date covered: the data''s end. Nothing after it is in the data.';
COMMENT ON COLUMN data_coverage.scope IS 'What is covered, in words, by period.';
COMMENT ON COLUMN data_coverage.not_covered IS 'What is not covered, in words (GEM, transfers, introductions, after the end).';
COMMENT ON COLUMN data_coverage.source IS 'The provenance files that document it.';

CREATE TABLE ipo_demand (
    stock_code                   VARCHAR NOT NULL,
    listing_date                 DATE    NOT NULL,
    public_subscription_multiple DOUBLE  CHECK (public_subscription_multiple >= 0),
    subscription_note            VARCHAR,
    applied_lots_for_one_lot     DOUBLE  CHECK (applied_lots_for_one_lot > 0),
    one_lot_success_rate         DOUBLE  CHECK (one_lot_success_rate BETWEEN 0 AND 1),
    applicants                   BIGINT  CHECK (applicants >= 0),
    cornerstone_share_pct        DOUBLE  CHECK (cornerstone_share_pct BETWEEN 0 AND 100),
    route                        VARCHAR,
    sector                       VARCHAR,
    basis                        VARCHAR NOT NULL,
    source                       VARCHAR NOT NULL,
    PRIMARY KEY (stock_code, listing_date)
);

COMMENT ON TABLE ipo_demand IS 'Demand facts of the curated offers (seeds/ipo_demand.csv), one row per listing where a source has them: 2018-2022 from AAStocks via RawData.xlsx (subscription multiple, applied lots, one-lot success rate), H1 2025 and 2026 from the UROP research compilation (subscription multiple, applicants, cornerstone share, route). basis carries each row''s caveat.';
COMMENT ON COLUMN ipo_demand.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_demand.listing_date IS 'Listing date; with stock_code, the listing (as in new_economy_listings).';
COMMENT ON COLUMN ipo_demand.public_subscription_multiple IS 'Hong Kong public offer subscription multiple, in times (valid applied shares / public offer shares initially offered). NULL with subscription_note = ''Under-Sub.'' for an undersubscribed offer (below 1 time, figure not stated).';
COMMENT ON COLUMN ipo_demand.subscription_note IS '''Under-Sub.'' where the source says the public offer was undersubscribed: a fact, not a blank.';
COMMENT ON COLUMN ipo_demand.applied_lots_for_one_lot IS 'Board lots applied for to be allotted one lot (AAStocks), in lots; 2018-2022 only.';
COMMENT ON COLUMN ipo_demand.one_lot_success_rate IS 'Share of one-lot applications allotted, as a fraction 0-1 (AAStocks); 2018-2022 only.';
COMMENT ON COLUMN ipo_demand.applicants IS 'Number of valid Hong Kong public offer applications (applications, not unique investors); H1 2025 and 2026 only.';
COMMENT ON COLUMN ipo_demand.cornerstone_share_pct IS 'Percent (0-100) of the final base offer allotted to cornerstone investors; 0 = none; H1 2025 and 2026 only.';
COMMENT ON COLUMN ipo_demand.route IS 'The compilation''s sourced listing route as written (18A biotech, 18C specialist tech, A+H (19A), Conventional); NULL before 2025. Read by listing_route().';
COMMENT ON COLUMN ipo_demand.sector IS 'The compilation''s coarse sector (a group of HSICS prefixes; seeds/NEW_ECONOMY.md); NULL before 2025.';
COMMENT ON COLUMN ipo_demand.basis IS 'Where the row comes from and its caveat: the 2025-2026 route and demand fields are LLM-assisted extraction, not independently audited.';
COMMENT ON COLUMN ipo_demand.source IS 'repo@commit:path and row of the source file.';

COMMENT ON TABLE new_economy_listings IS 'Every Hong Kong listing from 2018-04-30 (listing reform) to the data''s end (data_coverage, listings_data_end()), delisted ones included, with a sourced new-economy tier; from 2026 Main Board IPOs and introductions only. Rule: seeds/NEW_ECONOMY.md.';
COMMENT ON COLUMN new_economy_listings.board IS 'Main Board or GEM (HKEX List of Securities 2025-12-31; Main Board at listing for 2026 rows); empty for issuers gone by 2025-12-31.';
COMMENT ON COLUMN new_economy_listings.markers IS 'HKEX name markers at listing or on 2025-12-31 (2026 rows: in the name at listing): B (18A biotech), P (18C pre-commercial), S (secondary listing), W (weighted voting rights).';
COMMENT ON COLUMN new_economy_listings.industry_scheme IS 'Where industry comes from: yahoo, hsics, hsics group (2026: the compilation''s coarse sector), source wording or unknown.';
