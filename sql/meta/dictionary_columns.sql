-- The data dictionary's columns (hkpipe.dictionary): of every table and view of the
-- connection's own database, in each one's column order.
SELECT table_name, column_name, data_type, is_nullable, coalesce(comment, '') AS comment
FROM duckdb_columns()
WHERE NOT internal AND database_name = current_database()
ORDER BY table_name, column_index
