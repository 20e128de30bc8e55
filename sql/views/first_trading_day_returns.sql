-- First trading day of each calendar year per symbol, close to close against the previous
-- trading day in the data.
CREATE OR REPLACE VIEW first_trading_day_returns AS
WITH source_prices AS (
    SELECT symbol, trade_date, close FROM prices
),

sequenced AS (
    SELECT
        symbol,
        year(trade_date)                                                   AS year,
        trade_date,
        lag(trade_date) OVER by_symbol                                     AS prev_trade_date,
        close,
        lag(close) OVER by_symbol                                          AS prev_close,
        row_number() OVER (PARTITION BY symbol, year(trade_date) ORDER BY trade_date) AS nth_in_year
    FROM source_prices
    WINDOW by_symbol AS (PARTITION BY symbol ORDER BY trade_date)
),

final AS (
    SELECT
        symbol,
        year,
        trade_date,
        prev_trade_date,
        close,
        prev_close,
        (close / prev_close - 1) * 100 AS pct_change
    FROM sequenced
    WHERE nth_in_year = 1
)

SELECT * FROM final ORDER BY symbol, year;

COMMENT ON VIEW first_trading_day_returns IS 'For each symbol and calendar year: the first trading day in the data and its close-to-close change against the previous trading day.';
COMMENT ON COLUMN first_trading_day_returns.symbol IS 'Index symbol.';
COMMENT ON COLUMN first_trading_day_returns.year IS 'Calendar year.';
COMMENT ON COLUMN first_trading_day_returns.trade_date IS 'First trading day of the year in the data.';
COMMENT ON COLUMN first_trading_day_returns.prev_trade_date IS 'Previous trading day in the data (last of the prior year); NULL for the first row of a symbol.';
COMMENT ON COLUMN first_trading_day_returns.close IS 'Close on trade_date.';
COMMENT ON COLUMN first_trading_day_returns.prev_close IS 'Close on prev_trade_date.';
COMMENT ON COLUMN first_trading_day_returns.pct_change IS 'Close-to-close change in percent (2.5 means +2.5%), unrounded.';
