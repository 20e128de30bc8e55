-- Cap DuckDB's memory for this connection (it spills to temporary files beyond it).
SET memory_limit = $limit
