-- Listed new-economy issuers at each month end since the reform, per definition (the one rule,
-- through new_economy_tiers_at).
WITH months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM range(DATE '2018-04-01', DATE '2026-01-01', INTERVAL 1 MONTH) AS t(m)
)

SELECT t.as_of AS month_end, t.core, t.broad, t.new_consumer
FROM months AS m, LATERAL new_economy_tiers_at(m.month_end) AS t
ORDER BY month_end
