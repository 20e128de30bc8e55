-- Replace the index registry with the validated seed batch (registered as seed_batch).
DELETE FROM indexes;
INSERT INTO indexes BY NAME SELECT * FROM seed_batch;
