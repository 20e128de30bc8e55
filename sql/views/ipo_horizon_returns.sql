-- Each curated listing's returns at fixed horizons: 20, 60, 120, 250 and 500 XHKG sessions
-- after the listing session (session 0) and at the latest session its vendor has, one row a
-- listing and horizon (ipo_performance puts them side by side). Percent: 2.5 means +2.5%.
--
-- Series: a return is a ratio of two closes (coalesce(adj_close, close)) of one vendor's
-- series, so both sit on the same basis. Of the vendors with a close on the listing session,
-- the best by stock_return_rank is used (adjusted for dividends and splits first, HKEX's
-- as-traded closes last), then the one reaching furthest; return_basis says what it measures. A stock with no row on a horizon's session (suspended) takes its
-- last close on or before it, and the row says it is stale. A horizon after the vendor's last
-- day is not reached: NULL with the reason.
-- Delistings (survivorship-free, as the long-run IPO literature measures): a listing delisted
-- on or before its horizon session earns its return up to its last traded close, then the
-- benchmark's return from that day to the horizon session (the HSI's in
-- return_from_first_close and excess_vs_hsi, HSTECH's in excess_vs_hstech); delisted_in_window
-- and note say so. The old reading, NULL after a delisting, is kept in the *_listed_only
-- columns for comparison. A window that
-- holds a daily move beyond +/-80% (stock_large_moves) is not computed: NULL with the jump.
-- From the offer: (1 + debut) * (1 + return from the first close) - 1, so a vendor's later
-- adjustment never enters it; NULL where debut_return is NULL.
-- Benchmarks: the HSI's and HSTECH's close-to-close return over the same sessions; excess is
-- the difference in percentage points.
CREATE OR REPLACE VIEW ipo_horizon_returns AS
WITH chosen AS (
    SELECT
        d.stock_code, d.listing_date, d.delisting_date, d.first_session, d.debut_return,
        s.source AS series_source, s.last_date AS series_last_date, s.vendor_end
    FROM ipo_debuts AS d
    JOIN stock_series AS s
        ON s.stock_code = d.stock_code AND s.listing_date = d.listing_date
       AND s.first_date = d.first_session
    QUALIFY row_number() OVER (PARTITION BY d.stock_code, d.listing_date
                               ORDER BY stock_return_rank(s.source), s.vendor_end DESC,
                                        s.source) = 1
),

horizons AS (
    SELECT * FROM (VALUES ('20s', 20, 1), ('60s', 60, 2), ('120s', 120, 3), ('250s', 250, 4),
                          ('500s', 500, 5), ('latest', NULL, 6)) AS h (horizon, sessions, ord)
),

targets AS (
    SELECT
        c.*,
        h.horizon,
        h.ord,
        CASE
            WHEN h.sessions IS NOT NULL THEN n.session
            WHEN delisted_by(c.delisting_date, c.vendor_end)
                THEN c.series_last_date
            ELSE c.vendor_end
        END AS horizon_date
    FROM chosen AS c
    CROSS JOIN horizons AS h
    JOIN trading_sessions AS z ON z.session = c.first_session
    LEFT JOIN trading_sessions AS n ON n.session_no = z.session_no + h.sessions
),

reached AS (
    SELECT
        *,
        -- vendor_end, not the delisting, bounds every listing alike: a delisted listing gets
        -- no horizon its surviving peers of the same data could not reach
        horizon_date IS NOT NULL AND horizon_date <= vendor_end AS is_reached,
        horizon_date IS NOT NULL AND horizon_date <= vendor_end
            AND delisting_date IS NOT NULL AND horizon_date >= delisting_date AS delisted_in_window
    FROM targets
),

closes AS (
    SELECT
        r.*,
        p.trade_date                    AS close_date,
        coalesce(p.adj_close, p.close)  AS horizon_close,
        coalesce(f.adj_close, f.close)  AS series_first_close
    FROM reached AS r
    ASOF LEFT JOIN stock_prices AS p
        ON p.stock_code = r.stock_code AND p.listing_date = r.listing_date
       AND p.source = r.series_source AND p.trade_date <= r.horizon_date
    JOIN stock_prices AS f
        ON f.stock_code = r.stock_code AND f.listing_date = r.listing_date
       AND f.source = r.series_source AND f.trade_date = r.first_session
),

jumps AS (
    -- the first daily move beyond +/-80% inside each window, in the series used
    SELECT
        c.stock_code, c.listing_date, c.horizon,
        min(m.trade_date)                       AS jump_date,
        arg_min(m.move_pct, m.trade_date)       AS jump_pct
    FROM closes AS c
    JOIN stock_large_moves AS m
        ON m.stock_code = c.stock_code AND m.listing_date = c.listing_date
       AND m.source = c.series_source
       AND m.trade_date > c.first_session AND m.trade_date <= c.horizon_date
    GROUP BY ALL
),

benchmarks AS (
    SELECT
        c.*,
        hsi0.close AS hsi_first, hsi1.close AS hsi_close,
        tech0.close AS hstech_first, tech1.close AS hstech_close,
        hsi_x.close AS hsi_at_exit, tech_x.close AS hstech_at_exit,
        j.jump_date, j.jump_pct
    FROM closes AS c
    LEFT JOIN jumps AS j
        ON j.stock_code = c.stock_code AND j.listing_date = c.listing_date
       AND j.horizon = c.horizon
    LEFT JOIN prices AS hsi0 ON hsi0.symbol = '^HSI' AND hsi0.trade_date = c.first_session
    LEFT JOIN prices AS hsi1 ON hsi1.symbol = '^HSI' AND hsi1.trade_date = c.horizon_date
    LEFT JOIN prices AS tech0 ON tech0.symbol = 'HSTECH.HK' AND tech0.trade_date = c.first_session
    LEFT JOIN prices AS tech1 ON tech1.symbol = 'HSTECH.HK' AND tech1.trade_date = c.horizon_date
    -- the benchmarks on the last traded close of a delisted listing (where the hold switches)
    LEFT JOIN prices AS hsi_x
        ON c.delisted_in_window AND hsi_x.symbol = '^HSI' AND hsi_x.trade_date = c.close_date
    LEFT JOIN prices AS tech_x
        ON c.delisted_in_window AND tech_x.symbol = 'HSTECH.HK'
       AND tech_x.trade_date = c.close_date
),

returns AS (
    SELECT
        *,
        CASE WHEN is_reached AND jump_date IS NULL
             THEN horizon_close / series_first_close END                 AS stock_growth,
        CASE WHEN delisted_in_window THEN hsi_close / hsi_at_exit ELSE 1 END AS hsi_tail,
        CASE WHEN delisted_in_window THEN hstech_close / hstech_at_exit ELSE 1 END AS hstech_tail,
        CASE WHEN is_reached THEN (hsi_close / hsi_first - 1) * 100 END AS hsi_return,
        CASE WHEN is_reached THEN (hstech_close / hstech_first - 1) * 100 END AS hstech_return
    FROM benchmarks
),

held AS (
    SELECT
        *,
        (stock_growth * hsi_tail - 1) * 100                              AS return_from_first_close,
        (stock_growth * hstech_tail - 1) * 100                           AS return_hstech_filled,
        CASE WHEN NOT delisted_in_window THEN (stock_growth - 1) * 100 END
                                                                         AS return_listed_only
    FROM returns
),

final AS (
    SELECT
        stock_code,
        listing_date,
        horizon,
        ord                                                       AS horizon_order,
        CASE WHEN is_reached THEN horizon_date END                AS horizon_date,
        series_source,
        stock_return_basis(series_source)                         AS return_basis,
        CASE WHEN is_reached THEN close_date END                  AS close_date,
        CASE WHEN is_reached THEN horizon_close END               AS close,
        return_from_first_close,
        ((1 + debut_return / 100) * (1 + return_from_first_close / 100) - 1) * 100
                                                                  AS return_from_offer,
        hsi_return,
        hstech_return,
        return_from_first_close - hsi_return                      AS excess_vs_hsi,
        return_hstech_filled - hstech_return                      AS excess_vs_hstech,
        return_listed_only                                        AS return_from_first_close_listed_only,
        return_listed_only - hsi_return                           AS excess_vs_hsi_listed_only,
        return_listed_only - hstech_return                        AS excess_vs_hstech_listed_only,
        coalesce(delisted_in_window, false)                       AS delisted_in_window,
        is_reached AND NOT delisted_in_window AND close_date < horizon_date AS stale,
        CASE
            WHEN horizon_date IS NULL THEN 'horizon beyond the calendar'
            WHEN horizon_date > vendor_end
                THEN format('not reached: {} data ends {}, the horizon session is {}',
                            series_source, vendor_end, horizon_date)
            WHEN jump_date IS NOT NULL
                THEN format('not computed: {} moved {:+.1f}% on {}, a jump that may be a '
                            'share consolidation or split the vendor did not adjust for',
                            series_source, jump_pct, jump_date)
            WHEN delisted_in_window
                THEN format('delisted {}: its return to the last traded close {} on {}, then '
                            'the benchmark''s to the horizon session {}', delisting_date,
                            horizon_close, close_date, horizon_date)
            WHEN close_date < horizon_date
                THEN format('stale: no trade on {}, last close {} on {}', horizon_date,
                            horizon_close, close_date)
        END                                                       AS note
    FROM held
)

SELECT * FROM final ORDER BY listing_date, stock_code, horizon_order;

COMMENT ON VIEW ipo_horizon_returns IS 'Per curated listing and horizon (20s, 60s, 120s, 250s, 500s, latest): returns in percent from the first close and the offer, the HSI and HSTECH over the same sessions, excess in points; stale and unreached horizons say so in note.';
COMMENT ON COLUMN ipo_horizon_returns.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN ipo_horizon_returns.listing_date IS 'Listing date (with stock_code, the listing).';
COMMENT ON COLUMN ipo_horizon_returns.horizon IS '20s, 60s, 120s, 250s, 500s (XHKG sessions after session 0) or latest.';
COMMENT ON COLUMN ipo_horizon_returns.horizon_order IS 'Sort order of the horizons (1 to 6).';
COMMENT ON COLUMN ipo_horizon_returns.horizon_date IS 'The horizon''s session; NULL where not reached.';
COMMENT ON COLUMN ipo_horizon_returns.series_source IS 'The vendor whose series the returns are measured on.';
COMMENT ON COLUMN ipo_horizon_returns.return_basis IS 'total return or price return (see stock_return_basis).';
COMMENT ON COLUMN ipo_horizon_returns.close_date IS 'Day of the close used: the horizon session, or the last trade before it (stale).';
COMMENT ON COLUMN ipo_horizon_returns.close IS 'That close, coalesce(adj_close, close).';
COMMENT ON COLUMN ipo_horizon_returns.return_from_first_close IS 'close against the series'' close on session 0, percent; for a listing delisted before the horizon, its return to its last traded close chained with the HSI''s from then to the horizon session (survivorship-free).';
COMMENT ON COLUMN ipo_horizon_returns.return_from_first_close_listed_only IS 'The old reading: return_from_first_close, but NULL where the listing delisted before the horizon (survivors only).';
COMMENT ON COLUMN ipo_horizon_returns.excess_vs_hsi_listed_only IS 'return_from_first_close_listed_only - hsi_return, points (survivors only).';
COMMENT ON COLUMN ipo_horizon_returns.excess_vs_hstech_listed_only IS 'return_from_first_close_listed_only - hstech_return, points (survivors only).';
COMMENT ON COLUMN ipo_horizon_returns.delisted_in_window IS 'The listing delisted on or before the horizon session: its return runs to its last traded close, then the benchmark''s (see note).';
COMMENT ON COLUMN ipo_horizon_returns.return_from_offer IS '(1 + debut) * (1 + return_from_first_close) - 1, percent; NULL where debut_return is.';
COMMENT ON COLUMN ipo_horizon_returns.hsi_return IS 'The HSI''s close-to-close return over the same sessions, percent.';
COMMENT ON COLUMN ipo_horizon_returns.hstech_return IS 'HSTECH''s over the same sessions, percent; NULL where the index has no close.';
COMMENT ON COLUMN ipo_horizon_returns.excess_vs_hsi IS 'return_from_first_close - hsi_return, points.';
COMMENT ON COLUMN ipo_horizon_returns.excess_vs_hstech IS 'return_from_first_close - hstech_return, points; for a delisted listing the hold after its last close earns HSTECH, not the HSI.';
COMMENT ON COLUMN ipo_horizon_returns.stale IS 'The stock did not trade on the horizon session; its last close before it was used.';
COMMENT ON COLUMN ipo_horizon_returns.note IS 'Why a return is NULL (not reached, delisted, a jump) or that it is stale.';
