-- The data dictionary's tables and views (hkpipe.dictionary): those of the connection's own
-- database, DuckDB's internal ones, temporary ones and attached databases left out; tables
-- first, then views, each by name.
SELECT 'table' AS kind, table_name AS name, coalesce(comment, '') AS comment
FROM duckdb_tables()
WHERE NOT internal AND database_name = current_database()

UNION ALL

SELECT 'view' AS kind, view_name AS name, coalesce(comment, '') AS comment
FROM duckdb_views()
WHERE NOT internal AND database_name = current_database()

ORDER BY kind, name
