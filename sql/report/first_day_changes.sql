-- A symbol's first-trading-day changes from a year on, for an article's chart or table.
SELECT year, trade_date::VARCHAR AS trade_date, prev_trade_date::VARCHAR AS prev_trade_date,
       close, prev_close, pct_change
FROM first_trading_day_returns
WHERE symbol = $symbol AND year >= $from_year AND pct_change IS NOT NULL
ORDER BY year
