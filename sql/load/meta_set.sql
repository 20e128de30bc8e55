-- Record one bookkeeping value.
INSERT OR REPLACE INTO pipeline_meta (key, value) VALUES ($key, $value)
