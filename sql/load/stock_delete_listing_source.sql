-- A listing whose adjusted history the vendor rewrote (a dividend or split since the last
-- refresh) is replaced whole from the refetched history, so adj_close never mixes two bases.
DELETE FROM stock_prices
WHERE source = $source AND stock_code = $stock_code AND listing_date = $listing_date
