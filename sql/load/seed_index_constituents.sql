-- Replace the index_constituents table with the validated seed batch (registered as seed_batch).
DELETE FROM index_constituents;
INSERT INTO index_constituents BY NAME SELECT * FROM seed_batch;
