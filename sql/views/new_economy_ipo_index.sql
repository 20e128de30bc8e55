-- A Hong Kong new-economy IPO index, computed by hkpipe from stock_prices: not a sourced
-- index and never stored as one (it is not in prices). Rules:
-- - Members: curated listings of tiers core and broad with a return series (ipo_performance's
--   series_source, the one vendor series its returns use: returns from that vendor's adjusted
--   closes, so corporate actions are as that vendor adjusted them).
-- - Entry at the first close (session 0); held for ipo_index_holding_sessions() sessions, or
--   until the session before its delisting, or until its series ends (data end), if sooner.
-- - Equal-weighted, rebalanced daily: the day's return is the mean of the members' close-to-
--   close returns; the level chains them from 1,000 on the first day (the first member's
--   session 0).
-- - Suspensions: a member with no close on a session inside its series keeps its last close
--   (return 0 that day; the move lands on the day it trades again) and is counted in
--   members_carried. A daily move beyond +/-80% (stock_large_moves) is left out of the mean, as
--   ipo_horizon_returns leaves such windows out, and counted in moves_left_out.
-- - Gaps: a day where fewer than ipo_index_min_members() members traded shows level NULL;
--   chained_level keeps the chain through it (and is the 1,000 of the first day, which has
--   one member and so is itself a gap in level).
-- The HSI and HSTECH are rebased to 1,000 on the same first day, over the same days.
CREATE OR REPLACE VIEW new_economy_ipo_index AS
WITH members AS (
    SELECT p.stock_code, p.listing_date, p.delisting_date, p.series_source, z.session_no AS s0,
           s.last_date AS series_last_date
    FROM ipo_performance AS p
    JOIN trading_sessions AS z ON z.session = p.first_session
    JOIN stock_series AS s
        ON s.stock_code = p.stock_code AND s.listing_date = p.listing_date
       AND s.source = p.series_source
    WHERE p.tier IN ('core', 'broad') AND p.series_source IS NOT NULL
),

held AS (
    -- each member's sessions from session 0 to its exit
    SELECT m.*, t.session, t.session_no
    FROM members AS m
    JOIN trading_sessions AS t
        ON t.session_no BETWEEN m.s0 AND m.s0 + ipo_index_holding_sessions()
       AND t.session <= m.series_last_date
       AND (m.delisting_date IS NULL OR t.session < m.delisting_date)
),

carried AS (
    SELECT
        h.*,
        p.trade_date = h.session        AS traded,
        coalesce(p.adj_close, p.close)  AS close
    FROM held AS h
    ASOF JOIN stock_prices AS p
        ON p.stock_code = h.stock_code AND p.listing_date = h.listing_date
       AND p.source = h.series_source AND p.trade_date <= h.session
),

member_days AS (
    SELECT
        c.*,
        c.close / lag(c.close) OVER (PARTITION BY c.stock_code, c.listing_date
                                     ORDER BY c.session) - 1 AS member_return,
        j.trade_date IS NOT NULL                             AS large_move
    FROM carried AS c
    LEFT JOIN stock_large_moves AS j
        ON j.stock_code = c.stock_code AND j.listing_date = c.listing_date
       AND j.source = c.series_source AND j.trade_date = c.session
),

days AS (
    SELECT
        session,
        count(*) FILTER (WHERE session_no > s0)                              AS members,
        count(*) FILTER (WHERE session_no > s0 AND traded AND NOT large_move) AS members_traded,
        count(*) FILTER (WHERE session_no > s0 AND NOT traded)               AS members_carried,
        count(*) FILTER (WHERE session_no > s0 AND large_move)               AS moves_left_out,
        count(*) FILTER (WHERE session_no = s0)                              AS joined,
        avg(member_return) FILTER (WHERE session_no > s0 AND NOT large_move) AS index_return,
        string_agg(stock_code, ', ' ORDER BY stock_code)
            FILTER (WHERE session_no > s0 AND NOT traded)                    AS carried_codes
    FROM member_days
    GROUP BY session
),

spine AS (
    SELECT t.session, t.session_no
    FROM trading_sessions AS t
    WHERE t.session BETWEEN (SELECT min(session) FROM days) AND (SELECT max(session) FROM days)
),

chained AS (
    SELECT
        s.session,
        coalesce(d.members, 0)          AS members,
        coalesce(d.members_traded, 0)   AS members_traded,
        coalesce(d.members_carried, 0)  AS members_carried,
        coalesce(d.moves_left_out, 0)   AS moves_left_out,
        coalesce(d.joined, 0)           AS joined,
        d.index_return,
        d.carried_codes,
        1000 * exp(sum(ln(1 + coalesce(d.index_return, 0))) OVER (ORDER BY s.session))
                                        AS chained_level
    FROM spine AS s
    LEFT JOIN days AS d USING (session)
),

base AS (
    SELECT min(session) AS first_day FROM chained
),

final AS (
    SELECT
        c.session                                                  AS trade_date,
        'computed by hkpipe from stock_prices (equal-weighted new-economy IPOs, core and '
            || 'broad tiers, held ' || ipo_index_holding_sessions()
            || ' sessions; not a sourced index)'                  AS series,
        CASE WHEN c.members_traded >= ipo_index_min_members() THEN c.chained_level END AS level,
        c.chained_level,
        c.members_traded < ipo_index_min_members()                 AS is_gap,
        c.index_return * 100                                       AS index_return,
        c.members,
        c.members_traded,
        c.members_carried,
        c.moves_left_out,
        c.joined,
        c.carried_codes,
        1000 * hsi.close / hsi_base.close                          AS hsi_level,
        1000 * tech.close / tech_base.close                        AS hstech_level
    FROM chained AS c
    CROSS JOIN base AS b
    LEFT JOIN prices AS hsi ON hsi.symbol = '^HSI' AND hsi.trade_date = c.session
    LEFT JOIN prices AS tech ON tech.symbol = 'HSTECH.HK' AND tech.trade_date = c.session
    LEFT JOIN prices AS hsi_base ON hsi_base.symbol = '^HSI' AND hsi_base.trade_date = b.first_day
    LEFT JOIN prices AS tech_base
        ON tech_base.symbol = 'HSTECH.HK' AND tech_base.trade_date = b.first_day
)

SELECT * FROM final ORDER BY trade_date;

COMMENT ON VIEW new_economy_ipo_index IS 'A Hong Kong new-economy IPO index COMPUTED BY HKPIPE from stock_prices, not a sourced index: curated core and broad listings join at their first close and are held 500 XHKG sessions (or until they delist or their series ends), equal-weighted and rebalanced daily, chained from 1,000 on the first day; suspended members carry their last close (members_carried); days with fewer than ipo_index_min_members() members traded are gaps (level NULL). HSI and HSTECH rebased to 1,000 on the same day beside it.';
COMMENT ON COLUMN new_economy_ipo_index.trade_date IS 'XHKG session.';
COMMENT ON COLUMN new_economy_ipo_index.series IS 'What the series is: computed by hkpipe, not a sourced index.';
COMMENT ON COLUMN new_economy_ipo_index.level IS 'The index level, where at least ipo_index_min_members() members traded that day; NULL on a gap day.';
COMMENT ON COLUMN new_economy_ipo_index.chained_level IS 'The chain of every day''s return from 1,000 on the first day, gap days included (level shows it where enough members traded).';
COMMENT ON COLUMN new_economy_ipo_index.is_gap IS 'Fewer than ipo_index_min_members() members traded: level is NULL.';
COMMENT ON COLUMN new_economy_ipo_index.index_return IS 'The day''s equal-weighted mean of the members'' close-to-close returns, percent; NULL on a day with no member held.';
COMMENT ON COLUMN new_economy_ipo_index.members IS 'Members held over the day (in the mean, carried ones included).';
COMMENT ON COLUMN new_economy_ipo_index.members_traded IS 'Of them, with a close that day (not carried, no move left out).';
COMMENT ON COLUMN new_economy_ipo_index.members_carried IS 'Of them, suspended or not traded: last close carried, return 0 (flagged; carried_codes names them).';
COMMENT ON COLUMN new_economy_ipo_index.moves_left_out IS 'Members whose move that day is beyond +/-80% (stock_large_moves): left out of the mean.';
COMMENT ON COLUMN new_economy_ipo_index.joined IS 'Listings whose first close is that day (they join at it; their returns count from the next day).';
COMMENT ON COLUMN new_economy_ipo_index.carried_codes IS 'The stock codes carried that day.';
COMMENT ON COLUMN new_economy_ipo_index.hsi_level IS 'The HSI rebased to 1,000 on the index''s first day (a price index).';
COMMENT ON COLUMN new_economy_ipo_index.hstech_level IS 'HSTECH rebased to 1,000 on the index''s first day (back-tested before 2020-07-27; NULL where it has no close).';
