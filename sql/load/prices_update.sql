-- Rewrite stored rows whose values changed; a snapshot load never replaces a live or imported
-- row, and an unchanged row is not touched (its loaded_at stays).
UPDATE prices AS p
SET
    open         = s.open,
    high         = s.high,
    low          = s.low,
    close        = s.close,
    adj_close    = s.adj_close,
    volume       = s.volume,
    turnover_hkd = s.turnover_hkd,
    source       = s.source,
    loaded_at    = $loaded_at::TIMESTAMP
FROM stage_prices AS s
WHERE p.symbol = s.symbol
  AND p.trade_date = s.trade_date
  AND (s.open, s.high, s.low, s.close, s.adj_close, s.volume, s.turnover_hkd)
      IS DISTINCT FROM
      (p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.turnover_hkd)
  AND NOT (s.source = 'snapshot' AND p.source <> 'snapshot')
