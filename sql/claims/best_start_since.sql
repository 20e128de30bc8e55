-- Was a year's first-day change the best since a given year?
-- params: symbol TEXT, year INTEGER, since INTEGER
-- vary: symbol, year, since
-- Items: target (the year's change),
-- best_between (the best first-day change strictly between the two years), since (the change
-- in the year named), and one evidence row per year in the span. Changes are rounded to 1e-6
-- percentage points so that floating-point noise cannot break or make a tie.
-- as_of: the symbol's last stored session (the as-of date of the series read).
WITH first_days AS (
    SELECT year, trade_date, round(pct_change, 6) AS pct_change
    FROM first_trading_day_returns
    WHERE symbol = $symbol AND year BETWEEN $since AND $year AND pct_change IS NOT NULL
),

between_years AS (
    SELECT max(pct_change) AS best, arg_max(year, pct_change) AS best_year,
           count(*) AS years
    FROM first_days
    WHERE year > $since AND year < $year
),

series AS (
    SELECT max(trade_date) AS as_of FROM prices WHERE symbol = $symbol
),

items AS (
    SELECT 'target' AS item, pct_change AS value,
           format('{} first trading day {}', year, trade_date) AS detail, 0 AS ord
    FROM first_days WHERE year = $year
    UNION ALL
    SELECT 'best_between', best,
           format('best of {} years between, in {}', years, best_year), 1
    FROM between_years WHERE years = $year - $since - 1
    UNION ALL
    SELECT 'since', pct_change, format('{} first trading day {}', year, trade_date), 2
    FROM first_days WHERE year = $since
    UNION ALL
    SELECT 'year_' || year, pct_change, trade_date::VARCHAR, 3 + year FROM first_days
)

SELECT item, value, detail, as_of FROM items, series ORDER BY ord
