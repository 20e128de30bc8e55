-- One bookkeeping value.
SELECT value FROM pipeline_meta WHERE key = $key
