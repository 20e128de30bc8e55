-- The listed universe against the last completed XHKG session at $now (UTC): per currently
-- listed curated stock, its last day from a live source ($sources), how many sessions it is
-- behind, and the failures the latest universe refresh recorded for it (which explain a lag).
-- Documented all-day closures are not sessions.
-- params: $now, $sources
WITH sessions AS (
    SELECT session FROM trading_sessions
),

expected AS (
    SELECT last_completed_session($now) AS last_session
),

listed AS (
    SELECT stock_code, listing_date
    FROM new_economy_listings
    WHERE delisting_date IS NULL AND listing_date <= (SELECT last_session FROM expected)
),

live AS (
    SELECT stock_code, listing_date, max(trade_date) AS last_date,
           arg_max(source, trade_date) AS last_source
    FROM stock_prices
    WHERE list_contains($sources, source)
    GROUP BY stock_code, listing_date
),

stored AS (
    -- any source's last day, bundled included: a stock the live sources never served is
    -- behind from there, not from its listing date
    SELECT stock_code, listing_date, max(trade_date) AS last_date
    FROM stock_prices
    GROUP BY stock_code, listing_date
),

runs AS (
    SELECT run_id, finished_at AS stamp FROM load_runs
    WHERE symbol = 'stocks' AND list_contains($sources, source)
    UNION ALL
    SELECT run_id, failed_at FROM load_failures
),

latest_run AS (
    SELECT arg_max(run_id, stamp) AS run_id FROM runs
),

failures AS (
    SELECT stock_code, listing_date,
           string_agg(source || ' ' || reason, ', ' ORDER BY source) AS reasons,
           bool_or(reason = 'suspended') AS suspended
    FROM load_failures
    WHERE run_id = (SELECT run_id FROM latest_run)
    GROUP BY stock_code, listing_date
)

SELECT
    u.stock_code,
    u.listing_date,
    l.last_date,
    l.last_source,
    e.last_session,
    (SELECT count(*) FROM sessions AS s
     WHERE s.session >= coalesce(l.last_date + 1, b.last_date + 1, u.listing_date)
       AND s.session <= e.last_session)               AS sessions_behind,
    f.reasons,
    coalesce(f.suspended, false)                      AS suspended,
    (SELECT count(*) FROM runs) > 0                   AS refreshed,
    b.last_date                                       AS stored_last_date
FROM listed AS u
CROSS JOIN expected AS e
LEFT JOIN live AS l USING (stock_code, listing_date)
LEFT JOIN stored AS b USING (stock_code, listing_date)
LEFT JOIN failures AS f USING (stock_code, listing_date)
ORDER BY sessions_behind DESC, u.stock_code
