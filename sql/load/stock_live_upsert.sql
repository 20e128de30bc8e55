-- Store a live source's validated stock bars (registered as stock_batch) under $source:
-- new days inserted, re-served days updated (a vendor's revision wins over its earlier answer).
INSERT INTO stock_prices (stock_code, listing_date, trade_date, open, high, low, close,
                          adj_close, volume, price_basis, source, loaded_at)
SELECT stock_code, CAST(listing_date AS DATE), CAST(trade_date AS DATE), open, high, low,
       close, adj_close, volume, price_basis, $source, $loaded_at
FROM stock_batch
ON CONFLICT (stock_code, listing_date, trade_date, source) DO UPDATE SET
    open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
    adj_close = excluded.adj_close, volume = excluded.volume,
    price_basis = excluded.price_basis, loaded_at = excluded.loaded_at
