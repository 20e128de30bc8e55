-- Insert the resolved rows of days new to prices (stage_resolved).
INSERT INTO prices (symbol, trade_date, open, high, low, close, adj_close, volume,
                    turnover_hkd, source, loaded_at)
SELECT r.symbol, r.trade_date, r.open, r.high, r.low, r.close, r.adj_close, r.volume,
       r.turnover_hkd, r.source, $loaded_at::TIMESTAMP
FROM stage_resolved AS r
ANTI JOIN prices AS p USING (symbol, trade_date)
