-- The current database's block size and the blocks in use: its file holds at least
-- block_size * used blocks bytes (plus headers) when whole. Free blocks may lie past the end of
-- a file that DuckDB has not grown to them yet, so they are not counted.
SELECT block_size, total_blocks - free_blocks AS used_blocks
FROM pragma_database_size()
WHERE database_name = current_database()
