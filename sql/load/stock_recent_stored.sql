-- Per listing of $source: its last $n stored days with their close and adjusted close: the
-- last of them is where a refresh starts, and all of them tell whether the vendor has since
-- rewritten its history (a split or a dividend).
SELECT stock_code, listing_date, trade_date, close, adj_close
FROM stock_prices
WHERE source = $source
QUALIFY row_number() OVER (PARTITION BY stock_code, listing_date ORDER BY trade_date DESC) <= $n
ORDER BY stock_code, listing_date, trade_date
