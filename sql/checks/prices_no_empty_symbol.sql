-- Every row names its symbol.
SELECT
    count(*)                                                               AS violations,
    string_agg(coalesce(trade_date::VARCHAR, '?'), ', ' ORDER BY trade_date) AS examples
FROM prices
WHERE symbol IS NULL OR trim(symbol) = ''
