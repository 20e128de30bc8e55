-- Rewrite this source's stored observations that changed beyond rounding noise
-- (stage_changes); a NULL in the batch keeps the stored value. Unchanged ones keep loaded_at.
UPDATE price_observations AS o
SET
    open         = coalesce(s.open, o.open),
    high         = coalesce(s.high, o.high),
    low          = coalesce(s.low, o.low),
    close        = s.close,
    adj_close    = coalesce(s.adj_close, o.adj_close),
    volume       = coalesce(s.volume, o.volume),
    turnover_hkd = coalesce(s.turnover_hkd, o.turnover_hkd),
    loaded_at    = $loaded_at::TIMESTAMP
FROM stage_prices AS s
JOIN stage_changes AS c USING (symbol, trade_date)
WHERE c.change = 'changed'
  AND o.symbol = s.symbol
  AND o.trade_date = s.trade_date
  AND o.source = s.source
