-- Record one bookkeeping value.
INSERT OR REPLACE INTO pipeline_meta VALUES ($key, $value)
