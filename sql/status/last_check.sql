-- The most recent recorded claim check: one row for the whole run.
WITH runs AS (
    SELECT
        run_id,
        any_value(command)               AS command,
        max(checked_at)                  AS checked_at,
        count(*)                         AS claims,
        count(*) FILTER (WHERE changed)  AS changed
    FROM claim_results
    GROUP BY run_id
)

SELECT run_id, command, checked_at, claims, changed
FROM runs
ORDER BY checked_at DESC
LIMIT 1
