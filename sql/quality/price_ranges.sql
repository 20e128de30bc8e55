-- First and last stored day per symbol, to list the sessions each range should hold.
SELECT symbol, min(trade_date) AS first_date, max(trade_date) AS last_date,
       list(trade_date ORDER BY trade_date) AS days
FROM prices
GROUP BY symbol
ORDER BY symbol
