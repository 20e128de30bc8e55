-- Days on which two sources' closes for a symbol differ by more than the reconciliation
-- tolerance (0.05%), with the documented reason where expectations/xhkg_exceptions.csv gives
-- one (kind source_disagreement). The tolerance lives here and nowhere else.
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

final AS (
    SELECT
        p.*,
        (SELECT first(d.reason) FROM documented AS d
         WHERE d.date = p.trade_date AND d.symbol IN (p.symbol, '*')) AS documented_reason
    FROM pairs AS p
    WHERE abs(p.diff_pct) > 0.05
)

SELECT * FROM final ORDER BY symbol, trade_date, source_a, source_b;

COMMENT ON VIEW source_disagreements IS 'Every symbol and day where two sources'' closes differ by more than 0.05%, with the documented reason if any; check fails reconcile:<symbol> on the undocumented ones.';
COMMENT ON COLUMN source_disagreements.symbol IS 'Index symbol.';
COMMENT ON COLUMN source_disagreements.trade_date IS 'Hong Kong trading day.';
COMMENT ON COLUMN source_disagreements.source_a IS 'The source of higher precedence (source_rank).';
COMMENT ON COLUMN source_disagreements.close_a IS 'Its close.';
COMMENT ON COLUMN source_disagreements.source_b IS 'The other source.';
COMMENT ON COLUMN source_disagreements.close_b IS 'Its close.';
COMMENT ON COLUMN source_disagreements.diff_pct IS 'close_b against close_a in percent (0.1 means 0.1% higher).';
COMMENT ON COLUMN source_disagreements.documented_reason IS 'Why, where the day is a documented exception (kind source_disagreement); NULL otherwise.';
