-- Insert staged rows for days not stored yet.
INSERT INTO prices BY NAME
SELECT s.*, $loaded_at::TIMESTAMP AS loaded_at
FROM stage_prices AS s
ANTI JOIN prices AS p USING (symbol, trade_date)
