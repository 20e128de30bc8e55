-- Classify each staged row against the stored one, per symbol:
-- inserted (new day), updated (values differ and the row may be replaced), unchanged, or
-- kept (values differ but a snapshot load never overwrites a live or imported row).
WITH staged AS (
    SELECT * FROM stage_prices
),

compared AS (
    SELECT
        s.symbol,
        s.trade_date,
        p.symbol IS NULL AS is_new,
        (s.open, s.high, s.low, s.close, s.adj_close, s.volume, s.turnover_hkd)
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
