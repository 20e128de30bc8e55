-- Before a bundled file replaces its source's rows: the key index is rebuilt after the insert
-- (stock_key_create.sql), which is cheaper than upkeeping it row by row.
DROP INDEX IF EXISTS stock_prices_key
