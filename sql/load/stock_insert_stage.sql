-- Store the validated stage under $source (columns named, so a migration may add columns).
INSERT INTO stock_prices (stock_code, listing_date, trade_date, open, high, low, close,
                          adj_close, volume, price_basis, source, loaded_at)
SELECT stock_code, listing_date, trade_date, open, high, low, close, adj_close, volume,
       price_basis, $source, $loaded_at
FROM stock_stage
