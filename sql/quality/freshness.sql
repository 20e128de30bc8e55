-- Per symbol: the last stored day and its source, the last completed XHKG session at $now
-- (UTC), and how many sessions the data is behind it. Documented all-day closures are not
-- sessions.
WITH sessions AS (
    SELECT session FROM trading_sessions
),

expected AS (
    SELECT last_completed_session($now) AS last_session
),

stored AS (
    SELECT symbol, max(trade_date) AS last_date, arg_max(source, trade_date) AS last_source
    FROM prices
    GROUP BY symbol
)

SELECT
    st.symbol,
    st.last_date,
    st.last_source,
    e.last_session,
    (SELECT count(*) FROM sessions AS s
     WHERE s.session > st.last_date AND s.session <= e.last_session) AS sessions_behind
FROM stored AS st
CROSS JOIN expected AS e
ORDER BY st.symbol
