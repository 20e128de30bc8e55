-- The index's span in words: first and last day, gap days, members at most, carried and
-- left-out member days, and the minimum member count that makes a day a gap.
WITH idx AS (
    SELECT * FROM new_economy_ipo_index
)

SELECT
    min(trade_date)                              AS first_day,
    max(trade_date)                              AS last_day,
    count(*)                                     AS sessions,
    count(*) FILTER (WHERE is_gap)               AS gap_days,
    max(members)                                 AS most_members,
    sum(members_carried)::BIGINT                 AS carried_member_days,
    sum(moves_left_out)::BIGINT                  AS moves_left_out,
    ipo_index_min_members()                      AS min_members,
    ipo_index_holding_sessions()                 AS holding_sessions,
    arg_max(level, trade_date)                   AS last_level,
    arg_max(hsi_level, trade_date)               AS last_hsi_level
FROM idx
