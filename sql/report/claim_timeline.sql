-- One article's verdict history for the report (claim_history): each claim's changes, oldest
-- first, with later_changes, how many changes the claim had after its first recorded check
-- (the report lists the claims that had some and counts the others).
SELECT
    claim_id,
    strftime(checked_at, '%Y-%m-%d %H:%M') AS checked,
    verdict,
    measured,
    strftime(data_as_of, '%Y-%m-%d') AS data_as_of,
    cause,
    count(*) OVER (PARTITION BY claim_id) - 1 AS later_changes
FROM claim_history
WHERE article_id = $article_id
ORDER BY claim_id, checked_at, run_id
