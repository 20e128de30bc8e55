-- Daily moves beyond +/-80% (the stock_large_moves view holds the rule), for the warning suite:
-- those loaded after $since (NULL: every one; the suite's watermark advances each time it has
-- warned, so a move warns once) and not documented as a large move of that stock and day in
-- expectations/xhkg_exceptions.csv (kind large_move, symbol the stock code).
-- params: $since
SELECT
    m.stock_code,
    strftime(m.listing_date, '%Y-%m-%d')        AS listing_date,
    m.source,
    strftime(m.trade_date, '%Y-%m-%d')          AS trade_date,
    round(m.move_pct, 1)                        AS move_pct
FROM stock_large_moves AS m
JOIN stock_prices AS p
    ON p.stock_code = m.stock_code AND p.listing_date = m.listing_date
   AND p.source = m.source AND p.trade_date = m.trade_date
WHERE ($since IS NULL OR p.loaded_at > CAST($since AS TIMESTAMP))
  AND NOT EXISTS (
      SELECT 1 FROM calendar_exceptions AS e
      WHERE e.kind = 'large_move' AND e.symbol = m.stock_code AND e.date = m.trade_date)
ORDER BY m.stock_code, m.listing_date, m.source, m.trade_date
