-- Every row has a close above zero.
SELECT
    count(*)                                                               AS violations,
    string_agg(symbol || ' ' || trade_date, ', ' ORDER BY symbol, trade_date) AS examples
FROM prices
WHERE close IS NULL OR close <= 0
