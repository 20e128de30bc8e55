-- DuckDB's memory limit of this connection as it reads (e.g. '18.8 GiB'), and its threads.
SELECT current_setting('memory_limit'), current_setting('threads')
