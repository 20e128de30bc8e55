-- The migration runner's own record (created before the first migration runs, so it cannot be
-- a migration itself): one row per applied file of sql/migrations/.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version        INTEGER   PRIMARY KEY,
    name           VARCHAR   NOT NULL,
    checksum       VARCHAR   NOT NULL,
    applied_at     TIMESTAMP NOT NULL,
    hkpipe_version VARCHAR   NOT NULL,
    adopted        BOOLEAN   NOT NULL
);

COMMENT ON TABLE schema_migrations IS 'Applied schema migrations (sql/migrations/NNNN_name.sql), one row each; the highest version is the warehouse''s schema version.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number (NNNN of the file name).';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name (the rest of the file name).';
COMMENT ON COLUMN schema_migrations.checksum IS 'sha256 of the file as applied (LF line endings); a later edit of the file is refused.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'UTC time it was applied.';
COMMENT ON COLUMN schema_migrations.hkpipe_version IS 'hkpipe version that applied it.';
COMMENT ON COLUMN schema_migrations.adopted IS 'True for the baseline adopted by a warehouse written before migrations existed: its tables were already there.';
