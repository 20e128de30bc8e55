-- Rewrite stored rows whose values changed; a snapshot load never replaces a live or imported
-- row, an unchanged row is not touched (its loaded_at stays), and a NULL in the batch keeps
-- the stored value (see prices_classify.sql).
UPDATE prices AS p
SET
    open         = coalesce(s.open, p.open),
    high         = coalesce(s.high, p.high),
    low          = coalesce(s.low, p.low),
    close        = s.close,
    adj_close    = coalesce(s.adj_close, p.adj_close),
    volume       = coalesce(s.volume, p.volume),
    turnover_hkd = coalesce(s.turnover_hkd, p.turnover_hkd),
    source       = s.source,
    loaded_at    = $loaded_at::TIMESTAMP
FROM stage_prices AS s
WHERE p.symbol = s.symbol
  AND p.trade_date = s.trade_date
  AND (coalesce(s.open, p.open), coalesce(s.high, p.high), coalesce(s.low, p.low), s.close,
       coalesce(s.adj_close, p.adj_close), coalesce(s.volume, p.volume),
       coalesce(s.turnover_hkd, p.turnover_hkd))
      IS DISTINCT FROM
      (p.open, p.high, p.low, p.close, p.adj_close, p.volume, p.turnover_hkd)
  AND NOT (s.source = 'snapshot' AND p.source <> 'snapshot')
