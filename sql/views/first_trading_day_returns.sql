-- For each symbol and calendar year: the year's first XHKG session against the previous
-- year's last XHKG session, close to close. Sessions come from the calendar, not from the
-- stored rows, so a data gap never turns into a multi-month "first day": a close missing on
-- either session leaves pct_change NULL.
CREATE OR REPLACE VIEW first_trading_day_returns AS
WITH closures AS (
    SELECT date FROM calendar_exceptions WHERE kind = 'closure' AND symbol = '*'
),

sessions AS (
    SELECT session FROM xhkg_sessions WHERE session NOT IN (SELECT date FROM closures)
),

year_bounds AS (
    SELECT year(session) AS year, min(session) AS first_session, max(session) AS last_session
    FROM sessions
    GROUP BY year(session)
),

symbol_years AS (
    SELECT DISTINCT symbol, year(trade_date) AS year FROM prices
),

paired AS (
    SELECT
        sy.symbol,
        sy.year,
        cur.first_session  AS trade_date,
        prev.last_session  AS prev_trade_date
    FROM symbol_years AS sy
    JOIN year_bounds AS cur ON cur.year = sy.year
    LEFT JOIN year_bounds AS prev ON prev.year = sy.year - 1
),

final AS (
    SELECT
        p.symbol,
        p.year,
        p.trade_date,
        p.prev_trade_date,
        c.close,
        b.close                         AS prev_close,
        (c.close / b.close - 1) * 100   AS pct_change,
        CASE
            WHEN c.close IS NULL THEN format('{} has no stored close on {}, the first XHKG '
                                             'session of {}', p.symbol, p.trade_date, p.year)
            WHEN b.close IS NULL THEN format('{} has no stored close on {}, the last XHKG '
                                             'session of {}', p.symbol, p.prev_trade_date,
                                             p.year - 1)
            ELSE format('{} closed {:.2f} on {} against {:.2f} on {}', p.symbol, c.close,
                        p.trade_date, b.close, p.prev_trade_date)
        END                             AS detail
    FROM paired AS p
    LEFT JOIN prices AS c ON c.symbol = p.symbol AND c.trade_date = p.trade_date
    LEFT JOIN prices AS b ON b.symbol = p.symbol AND b.trade_date = p.prev_trade_date
)

SELECT * FROM final ORDER BY symbol, year;

COMMENT ON VIEW first_trading_day_returns IS 'For each symbol and each calendar year it has data in: the year''s first XHKG session against the previous year''s last XHKG session (documented all-day closures are not sessions). pct_change is NULL when either close is not stored.';
COMMENT ON COLUMN first_trading_day_returns.symbol IS 'Index symbol.';
COMMENT ON COLUMN first_trading_day_returns.year IS 'Calendar year.';
COMMENT ON COLUMN first_trading_day_returns.trade_date IS 'First XHKG session of the year (from the calendar, whether or not a close is stored).';
COMMENT ON COLUMN first_trading_day_returns.prev_trade_date IS 'Last XHKG session of the previous year; NULL before the calendar starts (1986).';
COMMENT ON COLUMN first_trading_day_returns.close IS 'Stored close on trade_date; NULL where the data lacks that session.';
COMMENT ON COLUMN first_trading_day_returns.prev_close IS 'Stored close on prev_trade_date; NULL where the data lacks that session.';
COMMENT ON COLUMN first_trading_day_returns.pct_change IS 'Close-to-close change in percent (2.5 means +2.5%), unrounded; NULL unless both closes are stored.';
COMMENT ON COLUMN first_trading_day_returns.detail IS 'The measurement in words, or which session''s close is missing.';
