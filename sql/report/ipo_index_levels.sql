-- Chart: the new-economy IPO index computed by hkpipe (NULL on gap days) beside the HSI and
-- HSTECH rebased to 1,000 on its first day, over the same sessions.
WITH levels AS (
    SELECT trade_date, level, hsi_level, hstech_level, members, is_gap
    FROM new_economy_ipo_index
)

SELECT trade_date, level, hsi_level, hstech_level, members, is_gap
FROM levels
ORDER BY trade_date
