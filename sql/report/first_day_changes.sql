-- Hang Seng Index first-trading-day changes for the chart and table.
SELECT year, trade_date::VARCHAR AS trade_date, prev_trade_date::VARCHAR AS prev_trade_date,
       close, prev_close, pct_change
FROM first_trading_day_returns
WHERE symbol = '^HSI' AND pct_change IS NOT NULL
ORDER BY year
