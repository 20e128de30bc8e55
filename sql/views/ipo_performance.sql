-- One row per curated listing: offer facts, first close and debut, and returns at 20, 60,
-- 120, 250 and 500 sessions and at the latest session, against the HSI and HSTECH (percent;
-- 2.5 means +2.5%). The rules are in ipo_debuts (which close is a trusted debut) and
-- ipo_horizon_returns (which series, stale and unreached horizons, delistings); this view lays
-- them out. The returns are survivorship-free (a delisted listing holds the benchmark after its
-- last close); the *_listed_only columns keep the survivors-only reading.
-- Column names are an interface: analysts and CI query them.
CREATE OR REPLACE VIEW ipo_performance AS
WITH wide AS (
    SELECT
        stock_code,
        listing_date,
        any_value(series_source) AS series_source,
        any_value(return_basis) AS return_basis,
        max(horizon_date) FILTER (WHERE horizon = '20s') AS date_20s,
        max(return_from_offer) FILTER (WHERE horizon = '20s') AS return_from_offer_20s,
        max(return_from_first_close) FILTER (WHERE horizon = '20s') AS return_from_first_close_20s,
        max(hsi_return) FILTER (WHERE horizon = '20s') AS hsi_return_20s,
        max(hstech_return) FILTER (WHERE horizon = '20s') AS hstech_return_20s,
        max(excess_vs_hsi) FILTER (WHERE horizon = '20s') AS excess_vs_hsi_20s,
        max(excess_vs_hstech) FILTER (WHERE horizon = '20s') AS excess_vs_hstech_20s,
        max(horizon_date) FILTER (WHERE horizon = '60s') AS date_60s,
        max(return_from_offer) FILTER (WHERE horizon = '60s') AS return_from_offer_60s,
        max(return_from_first_close) FILTER (WHERE horizon = '60s') AS return_from_first_close_60s,
        max(hsi_return) FILTER (WHERE horizon = '60s') AS hsi_return_60s,
        max(hstech_return) FILTER (WHERE horizon = '60s') AS hstech_return_60s,
        max(excess_vs_hsi) FILTER (WHERE horizon = '60s') AS excess_vs_hsi_60s,
        max(excess_vs_hstech) FILTER (WHERE horizon = '60s') AS excess_vs_hstech_60s,
        max(horizon_date) FILTER (WHERE horizon = '120s') AS date_120s,
        max(return_from_offer) FILTER (WHERE horizon = '120s') AS return_from_offer_120s,
        max(return_from_first_close) FILTER (WHERE horizon = '120s') AS return_from_first_close_120s,
        max(hsi_return) FILTER (WHERE horizon = '120s') AS hsi_return_120s,
        max(hstech_return) FILTER (WHERE horizon = '120s') AS hstech_return_120s,
        max(excess_vs_hsi) FILTER (WHERE horizon = '120s') AS excess_vs_hsi_120s,
        max(excess_vs_hstech) FILTER (WHERE horizon = '120s') AS excess_vs_hstech_120s,
        max(horizon_date) FILTER (WHERE horizon = '250s') AS date_250s,
        max(return_from_offer) FILTER (WHERE horizon = '250s') AS return_from_offer_250s,
        max(return_from_first_close) FILTER (WHERE horizon = '250s') AS return_from_first_close_250s,
        max(hsi_return) FILTER (WHERE horizon = '250s') AS hsi_return_250s,
        max(hstech_return) FILTER (WHERE horizon = '250s') AS hstech_return_250s,
        max(excess_vs_hsi) FILTER (WHERE horizon = '250s') AS excess_vs_hsi_250s,
        max(excess_vs_hstech) FILTER (WHERE horizon = '250s') AS excess_vs_hstech_250s,
        max(horizon_date) FILTER (WHERE horizon = '500s') AS date_500s,
        max(return_from_offer) FILTER (WHERE horizon = '500s') AS return_from_offer_500s,
        max(return_from_first_close) FILTER (WHERE horizon = '500s') AS return_from_first_close_500s,
        max(hsi_return) FILTER (WHERE horizon = '500s') AS hsi_return_500s,
        max(hstech_return) FILTER (WHERE horizon = '500s') AS hstech_return_500s,
        max(excess_vs_hsi) FILTER (WHERE horizon = '500s') AS excess_vs_hsi_500s,
        max(excess_vs_hstech) FILTER (WHERE horizon = '500s') AS excess_vs_hstech_500s,
        max(horizon_date) FILTER (WHERE horizon = 'latest') AS date_latest,
        max(return_from_offer) FILTER (WHERE horizon = 'latest') AS return_from_offer_latest,
        max(return_from_first_close) FILTER (WHERE horizon = 'latest') AS return_from_first_close_latest,
        max(hsi_return) FILTER (WHERE horizon = 'latest') AS hsi_return_latest,
        max(hstech_return) FILTER (WHERE horizon = 'latest') AS hstech_return_latest,
        max(excess_vs_hsi) FILTER (WHERE horizon = 'latest') AS excess_vs_hsi_latest,
        max(excess_vs_hstech) FILTER (WHERE horizon = 'latest') AS excess_vs_hstech_latest,
        max(return_from_first_close_listed_only) FILTER (WHERE horizon = '20s')
            AS return_from_first_close_listed_only_20s,
        max(excess_vs_hsi_listed_only) FILTER (WHERE horizon = '20s') AS excess_vs_hsi_listed_only_20s,
        max(excess_vs_hstech_listed_only) FILTER (WHERE horizon = '20s')
            AS excess_vs_hstech_listed_only_20s,
        max(return_from_first_close_listed_only) FILTER (WHERE horizon = '60s')
            AS return_from_first_close_listed_only_60s,
        max(excess_vs_hsi_listed_only) FILTER (WHERE horizon = '60s') AS excess_vs_hsi_listed_only_60s,
        max(excess_vs_hstech_listed_only) FILTER (WHERE horizon = '60s')
            AS excess_vs_hstech_listed_only_60s,
        max(return_from_first_close_listed_only) FILTER (WHERE horizon = '120s')
            AS return_from_first_close_listed_only_120s,
        max(excess_vs_hsi_listed_only) FILTER (WHERE horizon = '120s') AS excess_vs_hsi_listed_only_120s,
        max(excess_vs_hstech_listed_only) FILTER (WHERE horizon = '120s')
            AS excess_vs_hstech_listed_only_120s,
        max(return_from_first_close_listed_only) FILTER (WHERE horizon = '250s')
            AS return_from_first_close_listed_only_250s,
        max(excess_vs_hsi_listed_only) FILTER (WHERE horizon = '250s') AS excess_vs_hsi_listed_only_250s,
        max(excess_vs_hstech_listed_only) FILTER (WHERE horizon = '250s')
            AS excess_vs_hstech_listed_only_250s,
        max(return_from_first_close_listed_only) FILTER (WHERE horizon = '500s')
            AS return_from_first_close_listed_only_500s,
        max(excess_vs_hsi_listed_only) FILTER (WHERE horizon = '500s') AS excess_vs_hsi_listed_only_500s,
        max(excess_vs_hstech_listed_only) FILTER (WHERE horizon = '500s')
            AS excess_vs_hstech_listed_only_500s,
        bool_or(delisted_in_window)                                   AS delisted_in_window,
        string_agg(horizon || ': ' || note, '; ' ORDER BY horizon_order)
            FILTER (WHERE delisted_in_window) AS delisting_note,
        string_agg(horizon || ': ' || note, '; ' ORDER BY horizon_order)
            FILTER (WHERE stale) AS stale_note
    FROM ipo_horizon_returns
    GROUP BY stock_code, listing_date
),

vendors AS (
    SELECT DISTINCT source, vendor_end FROM stock_series
),

stored AS (
    SELECT stock_code, listing_date, min(first_date) AS first_date, max(last_date) AS last_date,
           string_agg(source, ', ' ORDER BY source) AS sources
    FROM stock_series
    GROUP BY stock_code, listing_date
),

series_basis AS (
    SELECT w.stock_code, w.listing_date, p.price_basis
    FROM wide AS w
    JOIN ipo_debuts AS d ON d.stock_code = w.stock_code AND d.listing_date = w.listing_date
    JOIN stock_prices AS p
        ON p.stock_code = w.stock_code AND p.listing_date = w.listing_date
       AND p.source = w.series_source AND p.trade_date = d.first_session
),

coverage AS (
    SELECT
        d.stock_code,
        d.listing_date,
        CASE
            WHEN w.series_source IS NOT NULL THEN 'priced'
            WHEN s.stock_code IS NOT NULL THEN 'no first close'
            WHEN d.stock_code LIKE '08%' THEN 'no prices: GEM code'
            WHEN d.listing_date > (SELECT max(vendor_end) FROM vendors)
                THEN 'no prices: listed after the data ends'
            ELSE 'no prices: no vendor has the code'
        END AS coverage,
        CASE
            WHEN w.series_source IS NOT NULL THEN
                format('returns from {} ({} on the listing session); stored: {}, {}..{}',
                       w.series_source, b.price_basis, s.sources, s.first_date, s.last_date)
            WHEN s.stock_code IS NOT NULL THEN
                format('no close on the listing session {}: {} start on {}', d.first_session,
                       s.sources, s.first_date)
            ELSE
                'no stored prices' || coalesce(
                    ': listed ' || d.listing_date || ', after '
                    || (SELECT string_agg(v.source || ' ends ' || v.vendor_end, ' and '
                                          ORDER BY v.source)
                        FROM vendors AS v WHERE v.vendor_end < d.listing_date),
                    ': no vendor has prices for ' || d.stock_code || ' in this listing period')
                || CASE WHEN d.stock_code LIKE '08%'
                        THEN '; a GEM code, which no bundled vendor covers' ELSE '' END
        END AS coverage_note
    FROM ipo_debuts AS d
    LEFT JOIN wide AS w ON w.stock_code = d.stock_code AND w.listing_date = d.listing_date
    LEFT JOIN stored AS s ON s.stock_code = d.stock_code AND s.listing_date = d.listing_date
    LEFT JOIN series_basis AS b
        ON b.stock_code = d.stock_code AND b.listing_date = d.listing_date
),

final AS (
    SELECT
        d.stock_code,
        d.listing_date,
        d.name_en,
        d.tier,
        d.board,
        d.route,
        d.delisting_date,
        d.offer_price,
        d.funds_raised_hkd,
        d.first_session,
        d.first_close,
        d.price_basis,
        d.first_close_source,
        d.debut_return,
        d.debut_note,
        w.series_source,
        w.return_basis,
        w.* EXCLUDE (stock_code, listing_date, series_source, return_basis, delisted_in_window,
                    delisting_note, stale_note),
        w.return_from_offer_latest < 0 AS below_offer_now,
        c.coverage,
        c.coverage_note,
        coalesce(w.delisted_in_window, false)  AS delisted_in_window,
        w.delisting_note,
        w.stale_note
    FROM ipo_debuts AS d
    LEFT JOIN wide AS w ON w.stock_code = d.stock_code AND w.listing_date = d.listing_date
    JOIN coverage AS c ON c.stock_code = d.stock_code AND c.listing_date = d.listing_date
)

SELECT * FROM final ORDER BY listing_date, stock_code;

COMMENT ON VIEW ipo_performance IS 'One row per curated listing: offer, first close, debut_return and returns (percent) from the offer and the first close at 20/60/120/250/500 sessions and the latest, with the HSI''s and HSTECH''s return over the same sessions and the excess over each; NULL with the reason where the data cannot support a number (debut_note, coverage_note, ipo_horizon_returns.note).';
COMMENT ON COLUMN ipo_performance.debut_return IS 'First close against the offer price, percent; NULL unless the first close is an as-traded price (see debut_note).';
COMMENT ON COLUMN ipo_performance.first_close IS 'Close on the listing session: as traded where any vendor has it so, else vendor-adjusted (price_basis says which).';
COMMENT ON COLUMN ipo_performance.price_basis IS 'Basis of first_close: unadjusted (as traded) or adjusted (scaled by the vendor).';
COMMENT ON COLUMN ipo_performance.below_offer_now IS 'The latest return from the offer is negative; NULL where it is unknown.';
COMMENT ON COLUMN ipo_performance.return_basis IS 'What the returns from the first close measure: total return (a series adjusted for dividends and splits: Yahoo''s) or price return (Stooq''s split-adjusted closes, or HKEX''s as traded). The HSI and HSTECH are price indexes.';
COMMENT ON COLUMN ipo_performance.coverage IS 'priced; no first close; or no prices with the category of why.';
COMMENT ON COLUMN ipo_performance.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_performance.listing_date IS 'Listing date (with stock_code, the listing).';
COMMENT ON COLUMN ipo_performance.name_en IS 'English name from new_economy_listings.';
COMMENT ON COLUMN ipo_performance.tier IS 'New-economy tier (core, broad, new_consumer, none).';
COMMENT ON COLUMN ipo_performance.board IS 'Main Board or GEM.';
COMMENT ON COLUMN ipo_performance.delisting_date IS 'Delisting date, if delisted.';
COMMENT ON COLUMN ipo_performance.offer_price IS 'Final offer price (HKD).';
COMMENT ON COLUMN ipo_performance.funds_raised_hkd IS 'Funds raised (HKD) where known.';
COMMENT ON COLUMN ipo_performance.first_session IS 'Session 0: the first XHKG session on or after the listing date.';
COMMENT ON COLUMN ipo_performance.first_close_source IS 'The vendor of first_close.';
COMMENT ON COLUMN ipo_performance.debut_note IS 'The debut measurement in words, or why debut_return is NULL.';
COMMENT ON COLUMN ipo_performance.series_source IS 'The vendor whose series the returns from the first close are measured on.';
COMMENT ON COLUMN ipo_performance.coverage_note IS 'What prices are stored for the listing, or why none.';
COMMENT ON COLUMN ipo_performance.stale_note IS 'Horizons whose close is the last trade before the horizon session (suspended).';
COMMENT ON COLUMN ipo_performance.date_20s IS 'The horizon''s XHKG session (20 sessions after session 0).';
COMMENT ON COLUMN ipo_performance.return_from_offer_20s IS 'Return from the offer price to 20 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_20s IS 'Return from the first close to 20 sessions after session 0, percent; survivorship-free (after a delisting, the HSI).';
COMMENT ON COLUMN ipo_performance.hsi_return_20s IS 'The HSI''s return over the same sessions, percent (20s).';
COMMENT ON COLUMN ipo_performance.hstech_return_20s IS 'HSTECH''s return over the same sessions, percent (20s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_20s IS 'return_from_first_close minus the HSI''s return, points (20s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_20s IS 'return_from_first_close minus HSTECH''s return, points (20s).';
COMMENT ON COLUMN ipo_performance.date_60s IS 'The horizon''s XHKG session (60 sessions after session 0).';
COMMENT ON COLUMN ipo_performance.return_from_offer_60s IS 'Return from the offer price to 60 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_60s IS 'Return from the first close to 60 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.hsi_return_60s IS 'The HSI''s return over the same sessions, percent (60s).';
COMMENT ON COLUMN ipo_performance.hstech_return_60s IS 'HSTECH''s return over the same sessions, percent (60s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_60s IS 'return_from_first_close minus the HSI''s return, points (60s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_60s IS 'return_from_first_close minus HSTECH''s return, points (60s).';
COMMENT ON COLUMN ipo_performance.date_120s IS 'The horizon''s XHKG session (120 sessions after session 0).';
COMMENT ON COLUMN ipo_performance.return_from_offer_120s IS 'Return from the offer price to 120 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_120s IS 'Return from the first close to 120 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.hsi_return_120s IS 'The HSI''s return over the same sessions, percent (120s).';
COMMENT ON COLUMN ipo_performance.hstech_return_120s IS 'HSTECH''s return over the same sessions, percent (120s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_120s IS 'return_from_first_close minus the HSI''s return, points (120s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_120s IS 'return_from_first_close minus HSTECH''s return, points (120s).';
COMMENT ON COLUMN ipo_performance.date_250s IS 'The horizon''s XHKG session (250 sessions after session 0).';
COMMENT ON COLUMN ipo_performance.return_from_offer_250s IS 'Return from the offer price to 250 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_250s IS 'Return from the first close to 250 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.hsi_return_250s IS 'The HSI''s return over the same sessions, percent (250s).';
COMMENT ON COLUMN ipo_performance.hstech_return_250s IS 'HSTECH''s return over the same sessions, percent (250s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_250s IS 'return_from_first_close minus the HSI''s return, points (250s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_250s IS 'return_from_first_close minus HSTECH''s return, points (250s).';
COMMENT ON COLUMN ipo_performance.date_500s IS 'The horizon''s XHKG session (500 sessions after session 0).';
COMMENT ON COLUMN ipo_performance.return_from_offer_500s IS 'Return from the offer price to 500 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_500s IS 'Return from the first close to 500 sessions after session 0, percent.';
COMMENT ON COLUMN ipo_performance.hsi_return_500s IS 'The HSI''s return over the same sessions, percent (500s).';
COMMENT ON COLUMN ipo_performance.hstech_return_500s IS 'HSTECH''s return over the same sessions, percent (500s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_500s IS 'return_from_first_close minus the HSI''s return, points (500s).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_500s IS 'return_from_first_close minus HSTECH''s return, points (500s).';
COMMENT ON COLUMN ipo_performance.date_latest IS 'The horizon''s XHKG session (the series'' latest session).';
COMMENT ON COLUMN ipo_performance.return_from_offer_latest IS 'Return from the offer price to the series'' latest session, percent.';
COMMENT ON COLUMN ipo_performance.return_from_first_close_latest IS 'Return from the first close to the series'' latest session, percent.';
COMMENT ON COLUMN ipo_performance.hsi_return_latest IS 'The HSI''s return over the same sessions, percent (latest).';
COMMENT ON COLUMN ipo_performance.hstech_return_latest IS 'HSTECH''s return over the same sessions, percent (latest).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_latest IS 'return_from_first_close minus the HSI''s return, points (latest).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_latest IS 'return_from_first_close minus HSTECH''s return, points (latest).';
COMMENT ON COLUMN ipo_performance.return_from_first_close_listed_only_20s IS 'return_from_first_close_20s as it read before delistings counted: NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_listed_only_20s IS 'excess_vs_hsi_20s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_listed_only_20s IS 'excess_vs_hstech_20s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.return_from_first_close_listed_only_60s IS 'return_from_first_close_60s as it read before delistings counted: NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_listed_only_60s IS 'excess_vs_hsi_60s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_listed_only_60s IS 'excess_vs_hstech_60s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.return_from_first_close_listed_only_120s IS 'return_from_first_close_120s as it read before delistings counted: NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_listed_only_120s IS 'excess_vs_hsi_120s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_listed_only_120s IS 'excess_vs_hstech_120s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.return_from_first_close_listed_only_250s IS 'return_from_first_close_250s as it read before delistings counted: NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_listed_only_250s IS 'excess_vs_hsi_250s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_listed_only_250s IS 'excess_vs_hstech_250s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.return_from_first_close_listed_only_500s IS 'return_from_first_close_500s as it read before delistings counted: NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_performance.excess_vs_hsi_listed_only_500s IS 'excess_vs_hsi_500s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.excess_vs_hstech_listed_only_500s IS 'excess_vs_hstech_500s, survivors only (NULL after a delisting).';
COMMENT ON COLUMN ipo_performance.route IS 'Listing route by listing_route(markers, sourced route): 18A, 18C, WVR, secondary, A+H or conventional.';
COMMENT ON COLUMN ipo_performance.delisted_in_window IS 'The listing delisted before at least one horizon it reached: those horizons hold the benchmark after its last traded close (delisting_note).';
COMMENT ON COLUMN ipo_performance.delisting_note IS 'Per horizon, how a delisting entered the return: the last traded close and the benchmark after it.';
