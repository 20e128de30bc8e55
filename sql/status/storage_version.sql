-- The DuckDB storage format of the open warehouse file (v1.4.0+ is readable by DuckDB 1.4 and
-- later clients).
SELECT tags['storage_version'] AS storage_version
FROM duckdb_databases()
WHERE database_name = current_database()
