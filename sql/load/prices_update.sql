-- Rewrite the stored prices whose resolved values changed (stage_resolved); an unchanged row
-- is not touched, so its loaded_at stays.
UPDATE prices AS p
SET
    open = r.open, high = r.high, low = r.low, close = r.close, adj_close = r.adj_close,
    volume = r.volume, turnover_hkd = r.turnover_hkd, source = r.source,
    loaded_at = $loaded_at::TIMESTAMP
FROM stage_resolved AS r
WHERE p.symbol = r.symbol
  AND p.trade_date = r.trade_date
  AND (r.open, r.high, r.low, r.close, r.adj_close, r.volume, r.turnover_hkd, r.source)
      IS DISTINCT FROM
      (p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.turnover_hkd, p.source)
