-- What an incremental stock validation covers: the newest loaded_at of stock_prices, and a
-- digest of what the stock rules read besides the rows (the curated listings, the calendar
-- and its closures). A change of the context makes the next validation cover every row.
SELECT
    (SELECT max(loaded_at) FROM stock_prices)                                   AS through,
    (SELECT coalesce(sum(hash(stock_code, listing_date, delisting_date))::HUGEINT, 0)
     FROM new_economy_listings)::VARCHAR
    || ':' || (SELECT coalesce(sum(hash(session))::HUGEINT, 0) FROM xhkg_sessions)::VARCHAR
    || ':' || (SELECT coalesce(sum(hash(date, kind))::HUGEINT, 0) FROM calendar_exceptions
               WHERE kind = 'closure')::VARCHAR                                 AS context
