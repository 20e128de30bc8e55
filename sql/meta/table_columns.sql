-- Columns of every base table of the main schema, in table order, to compare an upgraded
-- warehouse with a fresh one.
WITH base_tables AS (
    SELECT table_name
    FROM information_schema.tables
    WHERE table_schema = 'main' AND table_type = 'BASE TABLE'
),

columns AS (
    SELECT table_name, column_name, data_type, ordinal_position
    FROM information_schema.columns
    WHERE table_schema = 'main'
)

SELECT c.table_name, c.column_name, c.data_type
FROM columns AS c
JOIN base_tables AS t USING (table_name)
ORDER BY c.table_name, c.ordinal_position
