-- Replace the published_counts table with the validated seed batch (registered as seed_batch).
DELETE FROM published_counts;
INSERT INTO published_counts BY NAME SELECT * FROM seed_batch;
