-- Days on which two sources disagree beyond the reconciliation tolerance, with the documented
-- reason where expectations/xhkg_exceptions.csv gives one (kind source_disagreement). The
-- tolerances live here and nowhere else:
-- - indexes (measure 'close'): closes more than 0.05% apart;
-- - stocks (measure 'daily_return'): vendors adjust differently, so levels are not comparable;
--   their close-to-close returns from the same previous day more than 0.1 points apart
--   (expected on ex-dividend days when one vendor adjusts for dividends and the other not).
CREATE OR REPLACE VIEW source_disagreements AS
WITH observed AS (
    SELECT symbol, trade_date, source, close, source_rank(source) AS rank
    FROM price_observations
),

pairs AS (
    SELECT
        a.symbol,
        a.trade_date,
        a.source                        AS source_a,
        a.close                         AS close_a,
        b.source                        AS source_b,
        b.close                         AS close_b,
        (b.close / a.close - 1) * 100   AS diff_pct
    FROM observed AS a
    JOIN observed AS b
        ON b.symbol = a.symbol
       AND b.trade_date = a.trade_date
       AND (a.rank, a.source) < (b.rank, b.source)
),

documented AS (
    SELECT date, symbol, reason FROM calendar_exceptions WHERE kind = 'source_disagreement'
),

multi_vendor AS (
    SELECT stock_code, listing_date
    FROM stock_series
    GROUP BY stock_code, listing_date
    HAVING count(*) > 1
),

stock_returns AS (
    SELECT
        stock_code, listing_date, trade_date, source, close,
        lag(trade_date) OVER w AS prev_date,
        close / lag(close) OVER w - 1 AS daily_return
    FROM stock_prices
    SEMI JOIN multi_vendor USING (stock_code, listing_date)
    WINDOW w AS (PARTITION BY stock_code, listing_date, source ORDER BY trade_date)
),

stock_pairs AS (
    SELECT
        a.stock_code                                        AS symbol,
        a.listing_date,
        a.trade_date,
        a.source                                            AS source_a,
        a.close                                             AS close_a,
        b.source                                            AS source_b,
        b.close                                             AS close_b,
        (b.daily_return - a.daily_return) * 100             AS diff_pct
    FROM stock_returns AS a
    JOIN stock_returns AS b
        ON b.stock_code = a.stock_code AND b.listing_date = a.listing_date
       AND b.trade_date = a.trade_date AND b.prev_date = a.prev_date
       AND (stock_source_rank(a.source), a.source) < (stock_source_rank(b.source), b.source)
),

final AS (
    SELECT
        p.symbol,
        NULL::DATE      AS listing_date,
        'close'         AS measure,
        p.* EXCLUDE (symbol),
        (SELECT first(d.reason) FROM documented AS d
         WHERE d.date = p.trade_date AND d.symbol IN (p.symbol, '*')) AS documented_reason
    FROM pairs AS p
    WHERE abs(p.diff_pct) > close_tolerance_pct()
    UNION ALL BY NAME
    SELECT
        p.*,
        'daily_return'  AS measure,
        -- a stock's disagreement is documented under its own code; '*' rows are the indexes'
        (SELECT first(d.reason) FROM documented AS d
         WHERE d.date = p.trade_date AND d.symbol = p.symbol) AS documented_reason
    FROM stock_pairs AS p
    WHERE abs(p.diff_pct) > stock_return_tolerance()
)

-- the columns the view had before stocks came first, so positional index queries still work
SELECT symbol, trade_date, source_a, close_a, source_b, close_b, diff_pct, documented_reason,
       measure, listing_date
FROM final
ORDER BY measure, symbol, listing_date, trade_date, source_a, source_b;

COMMENT ON VIEW source_disagreements IS 'Every index and day where two sources'' closes differ by more than 0.05% (measure close; check fails reconcile:<symbol> on the undocumented ones), and every stock listing and day where two vendors'' daily returns differ by more than 0.1 points (measure daily_return; reported by check as reconcile:stocks, a warning).';
COMMENT ON COLUMN source_disagreements.symbol IS 'Index symbol, or stock code.';
COMMENT ON COLUMN source_disagreements.listing_date IS 'For a stock, the listing the code belongs to (codes are reused); NULL for an index.';
COMMENT ON COLUMN source_disagreements.measure IS 'close (indexes: levels compared) or daily_return (stocks: close-to-close returns from the same previous day compared).';
COMMENT ON COLUMN source_disagreements.trade_date IS 'Hong Kong trading day.';
COMMENT ON COLUMN source_disagreements.source_a IS 'The source of higher precedence (source_rank).';
COMMENT ON COLUMN source_disagreements.close_a IS 'Its close.';
COMMENT ON COLUMN source_disagreements.source_b IS 'The other source.';
COMMENT ON COLUMN source_disagreements.close_b IS 'Its close.';
COMMENT ON COLUMN source_disagreements.diff_pct IS 'close: close_b against close_a in percent (0.1 means 0.1% higher); daily_return: source_b''s daily return minus source_a''s, in points.';
COMMENT ON COLUMN source_disagreements.documented_reason IS 'Why, where the day is a documented exception (kind source_disagreement); NULL otherwise.';
