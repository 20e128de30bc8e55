-- Last stored trading day per symbol (the incremental refresh starts a few sessions before it).
SELECT symbol, max(trade_date) AS last_date FROM prices GROUP BY symbol
