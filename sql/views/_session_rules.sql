-- last_completed_session(now): the last XHKG session whose scheduled close is at or before
-- now (UTC), documented all-day closures not counted. Index and stock freshness share it.
CREATE OR REPLACE MACRO last_completed_session(now) AS (
    SELECT max(s.session)
    FROM xhkg_sessions AS s
    WHERE s.close_utc <= CAST(now AS TIMESTAMP)
      AND s.session NOT IN (SELECT date FROM calendar_exceptions
                            WHERE kind = 'closure' AND symbol = '*')
);
COMMENT ON MACRO last_completed_session IS 'The last XHKG session whose scheduled close (UTC) is at or before now, documented all-day closures not counted. Index and stock freshness share it.';
