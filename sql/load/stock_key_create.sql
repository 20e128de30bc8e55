-- The key of stock_prices, as migration 0005 declares it: rebuilt after a bundled file's
-- rows are replaced (a duplicate here fails the build, so nothing is published).
CREATE UNIQUE INDEX IF NOT EXISTS stock_prices_key
    ON stock_prices (stock_code, listing_date, trade_date, source)
