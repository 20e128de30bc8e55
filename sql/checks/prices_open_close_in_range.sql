-- Open and close lie within [low, high] where the range is known.
SELECT
    count(*)                                                               AS violations,
    string_agg(symbol || ' ' || trade_date, ', ' ORDER BY symbol, trade_date) AS examples
FROM prices
WHERE close < low OR close > high OR open < low OR open > high
