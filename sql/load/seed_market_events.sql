-- Replace the market_events table with the validated seed batch (registered as seed_batch).
DELETE FROM market_events;
INSERT INTO market_events BY NAME SELECT * FROM seed_batch;
