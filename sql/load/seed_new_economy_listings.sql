-- Replace the new_economy_listings table with the validated seed batch (registered as seed_batch).
DELETE FROM new_economy_listings;
INSERT INTO new_economy_listings BY NAME SELECT * FROM seed_batch;
