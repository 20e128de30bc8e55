-- Classify each staged row against the stored one, per symbol:
-- inserted (new day), updated (values differ and the row may be replaced), unchanged, or
-- kept (values differ but a snapshot load never overwrites a live or imported row).
-- A NULL in the batch never erases a stored value (Yahoo has no turnover; the snapshot has no
-- adjusted close), so values are compared after filling the batch's gaps from the stored row.
WITH staged AS (
    SELECT * FROM stage_prices
),

compared AS (
    SELECT
        s.symbol,
        s.trade_date,
        p.symbol IS NULL AS is_new,
        (coalesce(s.open, p.open), coalesce(s.high, p.high), coalesce(s.low, p.low), s.close,
         coalesce(s.adj_close, p.adj_close), coalesce(s.volume, p.volume),
         coalesce(s.turnover_hkd, p.turnover_hkd))
            IS DISTINCT FROM
        (p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.turnover_hkd) AS differs,
        s.source = 'snapshot' AND p.source <> 'snapshot' AS protected
    FROM staged AS s
    LEFT JOIN prices AS p USING (symbol, trade_date)
)

SELECT
    symbol,
    count(*)                                                  AS rows_received,
    count(*) FILTER (WHERE is_new)                            AS rows_inserted,
    count(*) FILTER (WHERE NOT is_new AND differs AND NOT protected) AS rows_updated,
    count(*) FILTER (WHERE NOT is_new AND NOT differs)        AS rows_unchanged,
    count(*) FILTER (WHERE NOT is_new AND differs AND protected)     AS rows_kept,
    min(trade_date)                                           AS first_date,
    max(trade_date)                                           AS last_date
FROM compared
GROUP BY symbol
ORDER BY symbol
