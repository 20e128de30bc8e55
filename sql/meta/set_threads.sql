-- Cap the threads DuckDB uses on this connection (each needs its share of the memory limit).
SET threads = $threads
