-- Store a live source's validated stock bars (registered as stock_batch) under $source:
-- new days inserted, re-served days updated when they changed (a vendor's revision wins over
-- its earlier answer); a re-served bar within rounding noise (same_stock_bar) keeps its row and
-- its loaded_at.
INSERT INTO stock_prices (stock_code, listing_date, trade_date, open, high, low, close,
                          adj_close, volume, price_basis, source, loaded_at)
SELECT stock_code, CAST(listing_date AS DATE), CAST(trade_date AS DATE), open, high, low,
       close, adj_close, volume, price_basis, $source, $loaded_at
FROM stock_batch
ON CONFLICT (stock_code, listing_date, trade_date, source) DO UPDATE SET
    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
    adj_close = excluded.adj_close, volume = excluded.volume,
    price_basis = excluded.price_basis, loaded_at = excluded.loaded_at
WHERE NOT same_stock_bar(excluded.open, excluded.high, excluded.low, excluded.close,
                         excluded.adj_close, excluded.volume, excluded.price_basis,
                         stock_prices.open, stock_prices.high, stock_prices.low,
                         stock_prices.close, stock_prices.adj_close, stock_prices.volume,
                         stock_prices.price_basis)
