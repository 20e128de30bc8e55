-- The prices table as the prices suite sees it: dates as ISO text, with each day's change.
WITH source_prices AS (
    SELECT symbol, trade_date, open, high, low, close FROM prices
),

final AS (
    SELECT
        symbol,
        strftime(trade_date, '%Y-%m-%d') AS trade_date,
        open,
        high,
        low,
        close,
        (close / lag(close) OVER (PARTITION BY symbol ORDER BY trade_date) - 1) * 100
            AS pct_change
    FROM source_prices
)

SELECT * FROM final ORDER BY symbol, trade_date
