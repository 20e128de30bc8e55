-- Replace the ipo_demand table with the validated seed batch (registered as seed_batch).
DELETE FROM ipo_demand;
INSERT INTO ipo_demand BY NAME SELECT * FROM seed_batch;
