-- 0002: the schema version now lives in schema_migrations, not in a digest.
--
-- Up to c087877, pipeline_meta's row 'schema' held a sha256 of the schema and view files, and a
-- build re-created everything when it changed. Tables are now versioned by schema_migrations,
-- and views and macros are re-applied when their own digest (row 'views') changes. The old row
-- describes nothing that exists any more, so it is removed. No other row of any table changes.
DELETE FROM pipeline_meta WHERE key = 'schema';

COMMENT ON TABLE pipeline_meta IS 'Bookkeeping: digests of the views and calendar the warehouse was built with. Its schema version is in schema_migrations.';
