-- Give this connection DuckDB's default memory limit again (80% of the machine's memory).
RESET memory_limit
