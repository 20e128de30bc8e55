-- Each curated listing's first session, offer price and first close, and its debut return
-- where the close can be trusted to be the price that traded. The first close comes from the
-- as-traded (unadjusted) closes of the listing session, the best-ranked vendor first
-- (stock_source_rank); a vendor-adjusted close stands in for first_close only where no
-- as-traded one exists, and then debut_return is NULL. A close off HKEX's price grid, or a
-- vendor's close at half the offer or less or five times it or more, may carry a later
-- corporate action in the vendor's back-adjustment: NULL with that reason beats a wrong
-- number.
CREATE OR REPLACE VIEW ipo_debuts AS
WITH listings AS (
    -- the route from HKEX's name markers and, where the compilation gives one, its sourced
    -- route (ipo_demand.route: A+H, and 18C issuers without a P marker)
    SELECT l.stock_code, l.listing_date, l.delisting_date, l.name_en, l.tier, l.board,
           listing_route(l.markers, d.route) AS route, s.session AS first_session
    FROM new_economy_listings AS l
    LEFT JOIN ipo_demand AS d USING (stock_code, listing_date)
    ASOF LEFT JOIN trading_sessions AS s ON s.session >= l.listing_date
),

first_rows AS (
    SELECT
        l.stock_code,
        l.listing_date,
        p.close,
        p.price_basis,
        p.source,
        row_number() OVER (PARTITION BY l.stock_code, l.listing_date
                           ORDER BY p.price_basis DESC, stock_source_rank(p.source)) AS pick
    FROM listings AS l
    JOIN stock_prices AS p
        ON p.stock_code = l.stock_code AND p.listing_date = l.listing_date
       AND p.trade_date = l.first_session
),

joined AS (
    SELECT
        l.*,
        o.offer_price,
        o.funds_raised_hkd,
        o.notes                                 AS offer_notes,
        o.stock_code IS NOT NULL                AS has_offer_row,
        f.close                                 AS first_close,
        f.price_basis,
        f.source                                AS first_close_source,
        on_price_grid(f.close, l.first_session) AS on_grid,
        f.close / o.offer_price                 AS ratio,
        -- a vendor's back-adjusted history can carry a later 1:1 bonus issue or 2:1 split
        -- (half the offer or less) or a consolidation (five times or more); HKEX's own closes
        -- are as traded and need no such bound
        NOT source_is_exchange(f.source) AND (f.close / o.offer_price <= 0.5
                                OR f.close / o.offer_price >= 5) AS implausible
    FROM listings AS l
    LEFT JOIN ipo_offers AS o
        ON o.stock_code = l.stock_code AND o.listing_date = l.listing_date
    LEFT JOIN first_rows AS f
        ON f.stock_code = l.stock_code AND f.listing_date = l.listing_date AND f.pick = 1
),

final AS (
    SELECT
        stock_code, listing_date, delisting_date, name_en, tier, board, route, first_session,
        offer_price, funds_raised_hkd, first_close, price_basis, first_close_source,
        CASE
            WHEN offer_price IS NULL OR first_close IS NULL OR price_basis <> 'unadjusted'
                 OR NOT coalesce(on_grid, false) OR implausible THEN NULL
            ELSE (ratio - 1) * 100
        END AS debut_return,
        CASE
            WHEN NOT has_offer_row THEN 'no offer row: the offer sources do not cover this listing'
            WHEN offer_price IS NULL THEN 'no offer price' || coalesce(' (' || offer_notes || ')', '')
            WHEN first_close IS NULL THEN format('no close on the listing session {}', first_session)
            WHEN price_basis <> 'unadjusted' THEN
                format('the only close on the listing session is vendor-adjusted ({}), not the '
                       'price that traded', first_close_source)
            WHEN on_grid IS NULL THEN
                format('first close {} is outside HKEX''s spread table', first_close)
            WHEN NOT on_grid THEN
                format('first close {} ({}) is not a price HKEX''s spread table allows on {}: '
                       'the vendor scaled it for a later corporate action', first_close,
                       first_close_source, first_session)
            WHEN implausible THEN
                format('first close {} ({}) is {:.2f} times the offer {}: as likely a later '
                       'split, bonus issue or consolidation in the vendor''s back-adjustment '
                       'as a real debut, and no as-traded source (HKEX) confirms it',
                       first_close, first_close_source, ratio, offer_price)
            ELSE format('{} closed {} on {} against the offer {}', first_close_source,
                        first_close, first_session, offer_price)
        END AS debut_note
    FROM joined
)

SELECT * FROM final ORDER BY listing_date, stock_code;

COMMENT ON VIEW ipo_debuts IS 'One row per curated listing: first session, offer and first close, and debut_return (percent) where the first close is an as-traded price; debut_note says why not otherwise.';
COMMENT ON COLUMN ipo_debuts.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_debuts.listing_date IS 'Listing date (with stock_code, the listing).';
COMMENT ON COLUMN ipo_debuts.delisting_date IS 'Delisting date, if delisted.';
COMMENT ON COLUMN ipo_debuts.name_en IS 'English name from new_economy_listings.';
COMMENT ON COLUMN ipo_debuts.tier IS 'New-economy tier (core, broad, new_consumer, none).';
COMMENT ON COLUMN ipo_debuts.board IS 'Main Board or GEM.';
COMMENT ON COLUMN ipo_debuts.first_session IS 'Session 0: the first XHKG session on or after the listing date.';
COMMENT ON COLUMN ipo_debuts.offer_price IS 'Final offer price (HKD), from ipo_offers.';
COMMENT ON COLUMN ipo_debuts.funds_raised_hkd IS 'Funds raised (HKD), from ipo_offers.';
COMMENT ON COLUMN ipo_debuts.first_close IS 'Close on session 0: as traded where a vendor has it so, else vendor-adjusted.';
COMMENT ON COLUMN ipo_debuts.price_basis IS 'Basis of first_close (unadjusted: as traded).';
COMMENT ON COLUMN ipo_debuts.first_close_source IS 'The vendor of first_close.';
COMMENT ON COLUMN ipo_debuts.debut_return IS 'first_close / offer_price - 1, percent; NULL unless first_close is a trusted as-traded price.';
COMMENT ON COLUMN ipo_debuts.debut_note IS 'The measurement in words, or why debut_return is NULL.';
COMMENT ON COLUMN ipo_debuts.route IS 'Listing route by listing_route(markers, sourced route): 18A, 18C, WVR, secondary, A+H or conventional.';
