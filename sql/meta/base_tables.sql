-- Base tables of the main schema, for checksums and the analyst reference.
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'main'
  AND table_type = 'BASE TABLE'
ORDER BY table_name
