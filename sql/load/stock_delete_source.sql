-- A bundled file is loaded whole: its source's rows are replaced.
DELETE FROM stock_prices WHERE source = $source
