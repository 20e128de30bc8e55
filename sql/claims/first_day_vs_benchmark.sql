-- A symbol's first-session change of a year beside a benchmark's (first XHKG session against
-- the previous year's last, as first_trading_day_returns defines it).
-- params: symbol TEXT, benchmark TEXT, year INTEGER
-- vary: symbol, benchmark, year
-- Items: change, benchmark_change, excess (change minus benchmark_change, percentage points).
-- as_of: the symbol's last stored session (the as-of date of the series read).
-- Changes are rounded to 1e-6 percentage points so that floating-point noise cannot decide a
-- comparison.
WITH years AS (
    SELECT symbol, round(pct_change, 6) AS pct_change, detail
    FROM first_trading_day_returns
    WHERE year = $year AND symbol IN ($symbol, $benchmark)
),

own AS (
    SELECT pct_change, detail FROM years WHERE symbol = $symbol
),

benchmark AS (
    SELECT pct_change, detail FROM years WHERE symbol = $benchmark
),

series AS (
    SELECT max(trade_date) AS as_of FROM prices WHERE symbol = $symbol
),

items AS (
    SELECT 'change' AS item, pct_change AS value,
           coalesce(detail, format('{} has no stored prices in {}', $symbol, $year)) AS detail
    FROM (SELECT 1) LEFT JOIN own ON true
    UNION ALL
    SELECT 'benchmark_change', pct_change,
           coalesce(detail, format('{} has no stored prices in {}', $benchmark, $year))
    FROM (SELECT 1) LEFT JOIN benchmark ON true
    UNION ALL
    SELECT 'excess', o.pct_change - b.pct_change,
           format('{} against {}, percentage points', $symbol, $benchmark)
    FROM (SELECT 1) LEFT JOIN own AS o ON true LEFT JOIN benchmark AS b ON true
)

SELECT item, value, detail, as_of FROM items, series
