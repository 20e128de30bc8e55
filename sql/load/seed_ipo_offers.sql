-- Replace the ipo_offers table with the validated seed batch (registered as seed_batch).
DELETE FROM ipo_offers;
INSERT INTO ipo_offers BY NAME SELECT * FROM seed_batch;
