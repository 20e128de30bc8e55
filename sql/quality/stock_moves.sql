-- Daily moves beyond +/-80% (the stock_large_moves view holds the rule), for the warning suite.
SELECT
    stock_code,
    strftime(listing_date, '%Y-%m-%d')          AS listing_date,
    source,
    strftime(trade_date, '%Y-%m-%d')            AS trade_date,
    round(move_pct, 1)                          AS move_pct
FROM stock_large_moves
ORDER BY stock_code, listing_date, source, trade_date
