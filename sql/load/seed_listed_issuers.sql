-- Replace the listed_issuers table with the validated seed batch (registered as seed_batch).
DELETE FROM listed_issuers;
INSERT INTO listed_issuers BY NAME SELECT * FROM seed_batch;
