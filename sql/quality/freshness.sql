-- Last stored day per symbol and the source of that day's row.
SELECT symbol, max(trade_date) AS last_date, arg_max(source, trade_date) AS last_source
FROM prices
GROUP BY symbol
ORDER BY symbol
