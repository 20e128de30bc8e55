-- Per listing of $source: its last $n stored days with their adjustment factor
-- (adj_close / close), to tell whether the vendor has since rewritten its adjusted history.
SELECT stock_code, listing_date, trade_date, adj_close / close AS factor
FROM stock_prices
WHERE source = $source AND adj_close IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY stock_code, listing_date ORDER BY trade_date DESC) <= $n
ORDER BY stock_code, listing_date, trade_date
