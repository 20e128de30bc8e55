-- The rules of listings discovery, defined once: which listings the curated seeds cover on a
-- day, and the tier a candidate's name markers give. The raise step (sql/load/
-- listing_candidates_raise.sql), the status view (listing_candidates) and the universe
-- refresh's candidate plans read these.

-- issuers_baseline_date(): the date of the listed_issuers baseline (HKEX's list of 2025-12-31;
-- the table's column listed_at_2025_12_31 names it).
CREATE OR REPLACE MACRO issuers_baseline_date() AS DATE '2025-12-31';
COMMENT ON MACRO issuers_baseline_date IS 'The date of the listed_issuers baseline: HKEX''s List of Securities of 2025-12-31.';

-- curated_listed(code, day): a row of new_economy_listings holds the code on that day.
CREATE OR REPLACE MACRO curated_listed(code, day) AS EXISTS (
    SELECT 1 FROM new_economy_listings AS l
    WHERE l.stock_code = code AND l.listing_date <= day
      AND NOT delisted_by(l.delisting_date, day));
COMMENT ON MACRO curated_listed IS 'True when a curated listing (new_economy_listings) holds the stock code on the day: listed on or before it and not delisted by it.';

-- baseline_listed(code, line_isin, day): the code's issuer on the 2025-12-31 list still holds
-- it: the baseline lists it with the same ISIN (or either ISIN is unknown), and no curated
-- listing of the code left between the baseline and the day (a reused code).
CREATE OR REPLACE MACRO baseline_listed(code, line_isin, day) AS EXISTS (
    SELECT 1 FROM listed_issuers AS i
    WHERE i.stock_code = code AND i.listed_at_2025_12_31 = 'Y'
      AND (i.isin IS NULL OR line_isin IS NULL OR i.isin = line_isin)
      AND NOT EXISTS (
          SELECT 1 FROM new_economy_listings AS l
          WHERE l.stock_code = code AND delisted_by(l.delisting_date, day)
            AND NOT delisted_by(l.delisting_date, issuers_baseline_date())));
COMMENT ON MACRO baseline_listed IS 'True when the code''s issuer on the 2025-12-31 baseline (listed_issuers) still holds it on the day: same ISIN (or one unknown), and no curated listing of the code left since the baseline.';

-- listing_covered(code, line_isin, day): the seeds hold the line's issuer on the day.
CREATE OR REPLACE MACRO listing_covered(code, line_isin, day) AS
    curated_listed(code, day) OR baseline_listed(code, line_isin, day);
COMMENT ON MACRO listing_covered IS 'True when the curated seeds cover a List of Securities line on the day: curated_listed or baseline_listed.';

-- proposed_tier(markers): the tier seeds/NEW_ECONOMY.md gives from a name's markers alone. A
-- B, P or W marker is a core route; anything else needs an industry, which the list lacks (an
-- S alone is core only for a Greater China secondary listing, which the list does not say).
CREATE OR REPLACE MACRO proposed_tier(markers) AS
    CASE WHEN regexp_matches(coalesce(markers, ''), '[BPW]') THEN 'core' ELSE 'unknown' END;
COMMENT ON MACRO proposed_tier IS 'core for a B, P or W name marker (a new-economy listing route); unknown otherwise, since the rule then needs an industry the List of Securities does not give.';

CREATE OR REPLACE MACRO proposed_tier_basis(markers) AS
    CASE
        WHEN regexp_matches(coalesce(markers, ''), '[BPW]') THEN
            'route marker ' || regexp_replace(markers, '[^BPW]', '', 'g')
            || ' in HKEX''s short name: a new-economy listing route (seeds/NEW_ECONOMY.md, core)'
        WHEN coalesce(markers, '') LIKE '%S%' THEN
            'S marker only: core for a Greater China secondary listing, else by industry; '
            || 'no source gave either'
        ELSE 'no route marker, and no source gave an industry: the rule cannot decide'
    END;
COMMENT ON MACRO proposed_tier_basis IS 'Why proposed_tier gives what it gives, in words.';
