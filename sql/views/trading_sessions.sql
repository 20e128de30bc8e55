-- XHKG sessions numbered in order, without the documented all-day closures the calendar
-- misses: horizons such as "120 sessions after listing" count these, not stored rows.
CREATE OR REPLACE VIEW trading_sessions AS
WITH closures AS (
    SELECT date FROM calendar_exceptions WHERE kind = 'closure' AND symbol = '*'
),

final AS (
    SELECT session, row_number() OVER (ORDER BY session) AS session_no
    FROM xhkg_sessions
    WHERE session NOT IN (SELECT date FROM closures)
)

SELECT * FROM final;

COMMENT ON VIEW trading_sessions IS 'XHKG sessions (documented all-day closures removed), numbered in date order.';
COMMENT ON COLUMN trading_sessions.session_no IS '1 for the first session of the calendar; differences count sessions.';
COMMENT ON COLUMN trading_sessions.session IS 'Hong Kong date of the session.';
