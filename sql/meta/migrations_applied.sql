-- What a warehouse records of its migrations, oldest first.
SELECT version, name, checksum, applied_at, adopted
FROM schema_migrations
ORDER BY version
