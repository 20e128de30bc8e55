-- Stock vendors against each other: listing-days two vendors both hold, and how many of those
-- listing-days (not vendor pairs) disagree beyond the tolerance of source_disagreements
-- (measure daily_return), with examples, each day once.
WITH multi_vendor AS (
    SELECT stock_code, listing_date
    FROM stock_series
    GROUP BY stock_code, listing_date
    HAVING count(*) > 1
),

shared AS (
    SELECT stock_code, listing_date, trade_date
    FROM stock_prices
    SEMI JOIN multi_vendor USING (stock_code, listing_date)
    GROUP BY ALL
    HAVING count(*) > 1
),

disagreements AS (
    SELECT symbol, listing_date, trade_date, source_a, source_b, diff_pct, documented_reason
    FROM source_disagreements
    WHERE measure = 'daily_return'
),

disagreeing_days AS (
    -- one row per listing-day, however many vendor pairs disagree on it (with three vendors
    -- a day can be in three pairs): the largest gap, undocumented unless every pair is
    SELECT symbol, listing_date, trade_date,
           arg_max(diff_pct, abs(diff_pct))        AS diff_pct,
           bool_and(documented_reason IS NOT NULL) AS documented
    FROM disagreements
    GROUP BY symbol, listing_date, trade_date
)

SELECT
    stock_return_tolerance()                                        AS tolerance,
    (SELECT count(*) FROM shared)                                   AS days,
    (SELECT count(DISTINCT (stock_code, listing_date)) FROM shared) AS listings,
    count(*)                                                        AS disagreeing,
    count(DISTINCT (symbol, listing_date))                          AS disagreeing_listings,
    string_agg(format('{} {} {:+.2f} points', symbol, trade_date, diff_pct), '; '
               ORDER BY abs(diff_pct) DESC, symbol, trade_date) FILTER (WHERE NOT documented)
                                                                    AS examples
FROM disagreeing_days
