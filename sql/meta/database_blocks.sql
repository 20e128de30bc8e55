-- The current database's block size and block count: its file holds at least
-- block_size * total_blocks bytes (plus headers) when whole.
SELECT block_size, total_blocks
FROM pragma_database_size()
WHERE database_name = current_database()
