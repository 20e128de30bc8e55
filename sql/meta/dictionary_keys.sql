-- The data dictionary's primary keys (hkpipe.dictionary): the key columns of each table.
SELECT table_name, constraint_column_names
FROM duckdb_constraints()
WHERE constraint_type = 'PRIMARY KEY' AND database_name = current_database()
