-- The session high is never below the low.
SELECT
    count(*)                                                               AS violations,
    string_agg(symbol || ' ' || trade_date, ', ' ORDER BY symbol, trade_date) AS examples
FROM prices
WHERE high < low
