-- Create an empty warehouse file in DuckDB's v1.4.0 storage format, which DuckDB 1.4 and later
-- clients (the duckdb CLI on PyPI, DBeaver's driver) can read as well as 2.x. A file keeps its
-- format when 2.x writes to it later.
ATTACH $path AS new_warehouse (STORAGE_VERSION 'v1.4.0')
