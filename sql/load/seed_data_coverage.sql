-- Replace the data_coverage table with the validated seed batch (registered as seed_batch).
DELETE FROM data_coverage;
INSERT INTO data_coverage BY NAME SELECT * FROM seed_batch;
