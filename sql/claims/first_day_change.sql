-- A symbol's first XHKG session of a year against the previous year's last session (NULL,
-- with the missing session named, where the data lacks either close).
-- params: symbol TEXT, year INTEGER
-- vary: symbol, year
-- Items: change (percent), change_1dp (rounded as an article would), close, prev_close.
-- as_of: the symbol's last stored session (the as-of date of the series read).
-- The change is rounded to 1e-6 percentage points so that binary floating-point noise cannot
-- decide a comparison (102.8 / 100 - 1 is 0.028000000000000025).
WITH first_days AS (
    SELECT * REPLACE (round(pct_change, 6) AS pct_change) FROM first_trading_day_returns
    WHERE symbol = $symbol AND year = $year
),

series AS (
    SELECT max(trade_date) AS as_of FROM prices WHERE symbol = $symbol
),

items AS (
    SELECT 'change' AS item, pct_change AS value, detail
    FROM first_days
    UNION ALL
    SELECT 'change_1dp', round(pct_change, 1), 'the change rounded to one decimal'
    FROM first_days
    UNION ALL
    SELECT 'close', close, trade_date::VARCHAR FROM first_days
    UNION ALL
    SELECT 'prev_close', prev_close, prev_trade_date::VARCHAR FROM first_days
)

SELECT item, value, detail, as_of FROM items, series
