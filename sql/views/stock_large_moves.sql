-- Daily moves beyond +/-80% in one vendor's series of a listing (close against the previous
-- stored close of the same series). Stocks move more than indexes, so check lists these as
-- warnings (suite stock_moves); a return whose window holds one is not computed
-- (ipo_horizon_returns), because such a jump is as often a share consolidation or split the
-- vendor did not adjust for as a real move, and the data cannot tell which.
CREATE OR REPLACE VIEW stock_large_moves AS
WITH moves AS (
    -- on the basis returns are measured on (ipo_horizon_returns): the adjusted close where
    -- the vendor gives one
    SELECT
        stock_code, listing_date, source, trade_date,
        coalesce(adj_close, close)          AS close,
        lag(coalesce(adj_close, close)) OVER w AS prev_close,
        lag(trade_date) OVER w  AS prev_date
    FROM stock_prices
    WINDOW w AS (PARTITION BY stock_code, listing_date, source ORDER BY trade_date)
),

final AS (
    SELECT *, (close / prev_close - 1) * 100 AS move_pct
    FROM moves
    WHERE abs(close / prev_close - 1) > 0.8
)

SELECT * FROM final ORDER BY stock_code, listing_date, source, trade_date;

COMMENT ON VIEW stock_large_moves IS 'Daily moves beyond +/-80% within one vendor''s series of a listing: warnings in check (gx:stock_moves); returns over a window that holds one are NULL in ipo_horizon_returns.';
COMMENT ON COLUMN stock_large_moves.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN stock_large_moves.listing_date IS 'The listing the series belongs to.';
COMMENT ON COLUMN stock_large_moves.source IS 'The vendor whose series moved.';
COMMENT ON COLUMN stock_large_moves.trade_date IS 'The day of the move.';
COMMENT ON COLUMN stock_large_moves.close IS 'Its close: coalesce(adj_close, close), the basis returns use.';
COMMENT ON COLUMN stock_large_moves.prev_close IS 'The previous stored close of the same series.';
COMMENT ON COLUMN stock_large_moves.prev_date IS 'Its day.';
COMMENT ON COLUMN stock_large_moves.move_pct IS 'close against prev_close, percent.';
