-- Record one applied migration (in the same transaction as the migration itself).
INSERT INTO schema_migrations (version, name, checksum, applied_at, hkpipe_version, adopted)
VALUES ($version, $name, $checksum, $applied_at, $hkpipe_version, $adopted)
