-- Store the new and changed observations (stage_changes); unchanged ones are not touched, so
-- their loaded_at stays. A NULL in the batch keeps the stored value.
INSERT INTO price_observations AS o (symbol, trade_date, source, open, high, low, close,
                                     adj_close, volume, turnover_hkd, loaded_at)
SELECT s.symbol, s.trade_date, s.source, s.open, s.high, s.low, s.close, s.adj_close,
       s.volume, s.turnover_hkd, $loaded_at::TIMESTAMP
FROM stage_prices AS s
JOIN stage_changes AS c USING (symbol, trade_date)
WHERE c.change <> 'same'
ON CONFLICT (symbol, trade_date, source) DO UPDATE SET
    open         = coalesce(excluded.open, o.open),
    high         = coalesce(excluded.high, o.high),
    low          = coalesce(excluded.low, o.low),
    close        = excluded.close,
    adj_close    = coalesce(excluded.adj_close, o.adj_close),
    volume       = coalesce(excluded.volume, o.volume),
    turnover_hkd = coalesce(excluded.turnover_hkd, o.turnover_hkd),
    loaded_at    = excluded.loaded_at
