-- 0005: IPO-level data: offer facts, daily stock prices with listing identity, and HKEX's
-- price grid (to tell an as-traded close from a vendor-scaled one).
--
-- New tables only; nothing stored before is touched. The build that applies this migration
-- loads all three from seeds/ (run, load-seeds).
--
-- stock_prices: Hong Kong reuses stock codes (02718, 06600), so a listing is (stock_code,
-- listing_date) and every price row names the listing whose listing period covers its day.
-- Vendors are kept side by side (source is part of the key): they adjust differently, and a
-- return is only sound as a ratio of two closes of one vendor's series. The views
-- (ipo_performance) declare which series is used.

CREATE TABLE ipo_offers (
    stock_code         VARCHAR NOT NULL,
    listing_date       DATE    NOT NULL,
    name_en            VARCHAR,
    board              VARCHAR,
    offer_price        DOUBLE  CHECK (offer_price > 0),
    offer_price_low    DOUBLE  CHECK (offer_price_low > 0),
    offer_price_high   DOUBLE  CHECK (offer_price_high > 0),
    funds_raised_hkd   DOUBLE  CHECK (funds_raised_hkd > 0),
    funds_raised_basis VARCHAR,
    sponsors           VARCHAR,
    notes              VARCHAR,
    source             VARCHAR NOT NULL,
    PRIMARY KEY (stock_code, listing_date)
);

COMMENT ON TABLE ipo_offers IS 'Offer facts of the curated listings (seeds/ipo_offers.csv; provenance in seeds/PROVENANCE_ipo.md): final offer price, range and funds raised where the sources give them. Prices are as at the offer, not adjusted for later corporate actions.';
COMMENT ON COLUMN ipo_offers.offer_price IS 'Final offer price in HKD; NULL where there was none (introduction, transfer, De-SPAC) or the source lacks it.';
COMMENT ON COLUMN ipo_offers.funds_raised_hkd IS 'Funds raised in HKD where known; funds_raised_basis names the figure used.';
COMMENT ON COLUMN ipo_offers.source IS 'repo@commit:path and row of the source file.';

COMMENT ON COLUMN ipo_offers.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_offers.listing_date IS 'Listing date; with stock_code, the listing (as in new_economy_listings).';
COMMENT ON COLUMN ipo_offers.name_en IS 'English name as the offer source writes it.';
COMMENT ON COLUMN ipo_offers.board IS 'Main Board or GEM.';
COMMENT ON COLUMN ipo_offers.offer_price_low IS 'Low end of the offer price range (or the single figure the source shows); NULL where not given.';
COMMENT ON COLUMN ipo_offers.offer_price_high IS 'High end of the offer price range; NULL where not given.';
COMMENT ON COLUMN ipo_offers.funds_raised_basis IS 'Which published figure funds_raised_hkd is.';
COMMENT ON COLUMN ipo_offers.sponsors IS 'Sponsors as the source writes them.';
COMMENT ON COLUMN ipo_offers.notes IS 'The source''s flags: no offer price, a single offer figure, a price below the range, not usable as an IPO offer.';
CREATE TABLE stock_prices (
    stock_code   VARCHAR   NOT NULL,
    listing_date DATE      NOT NULL,
    trade_date   DATE      NOT NULL,
    open         DOUBLE    CHECK (open > 0),
    high         DOUBLE    CHECK (high > 0),
    low          DOUBLE    CHECK (low > 0),
    close        DOUBLE    NOT NULL CHECK (close > 0),
    adj_close    DOUBLE    CHECK (adj_close > 0),
    volume       DOUBLE    CHECK (volume >= 0),
    price_basis  VARCHAR   NOT NULL CHECK (price_basis IN ('adjusted', 'unadjusted')),
    source       VARCHAR   NOT NULL,
    loaded_at    TIMESTAMP NOT NULL,
    CHECK (trade_date >= listing_date),
    CHECK (high >= low)
);

-- The key is a unique index, not a PRIMARY KEY: a bundled file replaces its source's rows
-- whole, and building the index after that insert is three times cheaper than upkeeping a
-- key row by row (sql/load/stock_key_drop.sql and stock_key_create.sql, same definition).
CREATE UNIQUE INDEX stock_prices_key ON stock_prices (stock_code, listing_date, trade_date, source);

COMMENT ON TABLE stock_prices IS 'Daily stock prices of the curated listings, one row per listing, Hong Kong trading day and source (unique index stock_prices_key). (stock_code, listing_date) identifies the listing whose listing period covers the day.';
COMMENT ON COLUMN stock_prices.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN stock_prices.listing_date IS 'Listing date of the listing the row belongs to (codes are reused).';
COMMENT ON COLUMN stock_prices.trade_date IS 'Hong Kong calendar date of the session.';
COMMENT ON COLUMN stock_prices.close IS 'Close on the basis price_basis names.';
COMMENT ON COLUMN stock_prices.adj_close IS 'Vendor-adjusted close where the vendor gives one separately; the bundled Yahoo set repeats its adjusted close here.';
COMMENT ON COLUMN stock_prices.volume IS 'Shares traded; fractional where the vendor back-adjusted it for a split or consolidation; NULL where unknown.';
COMMENT ON COLUMN stock_prices.price_basis IS 'adjusted: scaled by the vendor for later dividends or corporate actions (a price level that never traded); unadjusted: as traded.';
COMMENT ON COLUMN stock_prices.source IS 'snapshot:yahoo and snapshot:stooq (bundled seeds/stocks); a live source by name.';
COMMENT ON COLUMN stock_prices.loaded_at IS 'UTC time the row was stored.';

COMMENT ON COLUMN stock_prices.open IS 'Opening price on the basis price_basis names; NULL where the vendor has only a close.';
COMMENT ON COLUMN stock_prices.high IS 'Session high on the same basis; NULL where unknown.';
COMMENT ON COLUMN stock_prices.low IS 'Session low on the same basis; NULL where unknown.';
CREATE TABLE hkex_spread_table (
    effective_from DATE,
    effective_to   DATE,
    price_above    DOUBLE  NOT NULL CHECK (price_above >= 0),
    price_to       DOUBLE  NOT NULL,
    tick           DOUBLE  NOT NULL CHECK (tick > 0),
    source         VARCHAR NOT NULL,
    CHECK (price_to > price_above)
);

COMMENT ON TABLE hkex_spread_table IS 'HKEX''s minimum spreads for equities (seeds/hkex_spread_table.csv): a price over price_above and up to price_to trades in multiples of tick, on days from effective_from (NULL: documented only as in force before effective_to) to effective_to (exclusive; NULL: in force).';
COMMENT ON COLUMN hkex_spread_table.effective_from IS 'First day the band is in force; NULL where only documented as in force before effective_to.';
COMMENT ON COLUMN hkex_spread_table.effective_to IS 'First day it no longer is; NULL while in force.';
COMMENT ON COLUMN hkex_spread_table.price_above IS 'The band covers prices above this (HKD).';
COMMENT ON COLUMN hkex_spread_table.price_to IS 'and up to and including this (HKD).';
COMMENT ON COLUMN hkex_spread_table.tick IS 'Minimum spread: a traded price in the band is a whole number of ticks.';
COMMENT ON COLUMN hkex_spread_table.source IS 'Where the band is documented.';
