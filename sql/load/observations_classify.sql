-- Classify each staged row against the stored observation of the same source: new (a day new
-- to this source), changed (a value moved beyond rounding noise, see same_value) or same.
-- A NULL in the batch never erases a stored value, so values are compared after filling the
-- batch's gaps from the stored observation.
CREATE OR REPLACE TEMP TABLE stage_changes AS
WITH staged AS (
    SELECT * FROM stage_prices
),

compared AS (
    SELECT
        s.symbol,
        s.trade_date,
        CASE
            WHEN o.symbol IS NULL THEN 'new'
            WHEN same_value(coalesce(s.open, o.open), o.open)
                 AND same_value(coalesce(s.high, o.high), o.high)
                 AND same_value(coalesce(s.low, o.low), o.low)
                 AND same_value(s.close, o.close)
                 AND same_value(coalesce(s.adj_close, o.adj_close), o.adj_close)
                 AND coalesce(s.volume, o.volume) IS NOT DISTINCT FROM o.volume
                 AND coalesce(s.turnover_hkd, o.turnover_hkd) IS NOT DISTINCT FROM o.turnover_hkd
                THEN 'same'
            ELSE 'changed'
        END AS change
    FROM staged AS s
    LEFT JOIN price_observations AS o USING (symbol, trade_date, source)
)

SELECT * FROM compared
