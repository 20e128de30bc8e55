-- Store the validated stage under $source (columns named, so a migration may add columns).
INSERT INTO stock_prices (stock_code, listing_date, trade_date, open, high, low, close,
                          adj_close, volume, price_basis, source, loaded_at)
SELECT
    stock_code,
    CAST(listing_date AS DATE),
    CAST(trade_date AS DATE),
    CAST(open AS DOUBLE),
    CAST(high AS DOUBLE),
    CAST(low AS DOUBLE),
    CAST(close AS DOUBLE),
    CAST(adj_close AS DOUBLE),
    CAST(volume AS DOUBLE),
    price_basis,
    $source,
    $loaded_at
FROM stock_stage
