-- Per symbol: what the staged batch did to this source's observations.
SELECT
    symbol,
    count(*)                                     AS rows_received,
    count(*) FILTER (WHERE change = 'new')       AS rows_inserted,
    count(*) FILTER (WHERE change = 'changed')   AS rows_updated,
    count(*) FILTER (WHERE change = 'same')      AS rows_unchanged,
    min(trade_date)                              AS first_date,
    max(trade_date)                              AS last_date
FROM stage_changes
GROUP BY symbol
ORDER BY symbol
