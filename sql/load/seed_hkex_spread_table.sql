-- Replace the hkex_spread_table table with the validated seed batch (registered as seed_batch).
DELETE FROM hkex_spread_table;
INSERT INTO hkex_spread_table BY NAME SELECT * FROM seed_batch;
