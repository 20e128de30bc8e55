-- Rows per symbol, to validate a large prices table in chunks of whole symbols.
SELECT symbol, count(*) AS n FROM prices GROUP BY symbol ORDER BY symbol
