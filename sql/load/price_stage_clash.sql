-- The earliest date of the staged price file given more than once with different values, as
-- (date, its first line, every line of it), after exact duplicates are dropped (the first
-- line of each kept; GROUP BY takes missing values as equal): the rule of
-- hkpipe.prices._dedupe, set-wise.
WITH kept AS (
    SELECT symbol, trade_date, min(line) AS line
    FROM price_stage
    GROUP BY symbol, trade_date, open, high, low, close, adj_close, volume, turnover_hkd
)

SELECT
    strftime(trade_date, '%Y-%m-%d') AS day,
    min(line) AS line,
    string_agg(line::VARCHAR, ', ' ORDER BY line) AS lines
FROM kept
GROUP BY symbol, trade_date
HAVING count(*) > 1
ORDER BY symbol, trade_date
LIMIT 1
