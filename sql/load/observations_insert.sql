-- Store the staged observations of days new to this source (stage_changes). A plain insert:
-- on a first load of millions of rows it needs far less memory than an upsert.
INSERT INTO price_observations (symbol, trade_date, source, open, high, low, close, adj_close,
                                volume, turnover_hkd, loaded_at)
SELECT s.symbol, s.trade_date, s.source, s.open, s.high, s.low, s.close, s.adj_close,
       s.volume, s.turnover_hkd, $loaded_at::TIMESTAMP
FROM stage_prices AS s
JOIN stage_changes AS c USING (symbol, trade_date)
WHERE c.change = 'new'
