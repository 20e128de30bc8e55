-- At most one row per symbol and day (the primary key guarantees it; checked independently).
WITH keyed AS (
    SELECT symbol, trade_date, count(*) AS n FROM prices GROUP BY symbol, trade_date
)

SELECT
    count(*) FILTER (WHERE n > 1)                                          AS violations,
    string_agg(symbol || ' ' || trade_date, ', ' ORDER BY symbol, trade_date)
        FILTER (WHERE n > 1)                                               AS examples
FROM keyed
