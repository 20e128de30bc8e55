-- A first load of its symbols (load/first_load): each staged row is its day's only
-- observation, so it is the resolved price as it stands.
INSERT INTO prices (symbol, trade_date, open, high, low, close, adj_close, volume,
                    turnover_hkd, source, loaded_at)
SELECT symbol, trade_date, open, high, low, close, adj_close, volume, turnover_hkd, source,
       $loaded_at::TIMESTAMP
FROM stage_prices
