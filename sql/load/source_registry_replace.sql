-- Replace the source registry with the batch registered as source_batch (from hkpipe.sources).
DELETE FROM source_registry;
INSERT INTO source_registry BY NAME SELECT * FROM source_batch;
