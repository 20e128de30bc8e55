-- The prices table as the prices suite sees it: dates as ISO text, each day's change, whether
-- a large move is documented, and calendar_day (the date itself when it is an XHKG session or
-- a documented extra session, else a marker the pair expectation reports).
-- $symbols (a list, or NULL for all) selects a chunk of whole symbols.
WITH source_prices AS (
    SELECT symbol, trade_date, open, high, low, close FROM prices
    WHERE $symbols::VARCHAR[] IS NULL OR list_contains($symbols::VARCHAR[], symbol)
),

changes AS (
    SELECT
        *,
        (close / lag(close) OVER (PARTITION BY symbol ORDER BY trade_date) - 1) * 100
            AS pct_change
    FROM source_prices
),

moves AS (
    SELECT date, symbol FROM calendar_exceptions WHERE kind = 'large_move'
),

known_days AS (
    SELECT session AS day FROM xhkg_sessions
    UNION
    SELECT date FROM calendar_exceptions WHERE kind = 'extra_session'
),

final AS (
    SELECT
        c.symbol,
        strftime(c.trade_date, '%Y-%m-%d') AS trade_date,
        c.open,
        c.high,
        c.low,
        c.close,
        c.pct_change,
        EXISTS (SELECT 1 FROM moves AS m
                WHERE m.date = c.trade_date AND m.symbol IN (c.symbol, '*')) AS documented_move,
        CASE WHEN c.trade_date IN (SELECT day FROM known_days)
             THEN strftime(c.trade_date, '%Y-%m-%d')
             ELSE 'not an XHKG session' END AS calendar_day
    FROM changes AS c
)

SELECT * FROM final ORDER BY symbol, trade_date
