-- The most recent price load: one row for the whole run.
WITH runs AS (
    SELECT
        run_id,
        any_value(command)                                   AS command,
        string_agg(DISTINCT source, ', ' ORDER BY source)    AS sources,
        count(*)                                             AS symbols,
        sum(rows_inserted)                                   AS rows_inserted,
        sum(rows_updated)                                    AS rows_updated,
        max(finished_at)                                     AS finished_at
    FROM load_runs
    GROUP BY run_id
)

SELECT run_id, command, sources, symbols, rows_inserted, rows_updated, finished_at
FROM runs
ORDER BY finished_at DESC
LIMIT 1
