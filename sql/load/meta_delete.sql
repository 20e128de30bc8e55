-- Remove one bookkeeping value.
DELETE FROM pipeline_meta WHERE key = $key
