-- The rows of one price file being imported, as read and checked row by row: its line, then
-- the columns of a price frame. In a scratch database (hkpipe/warehouse/staging.py), spilled
-- to its folder beyond the memory limit.
CREATE TEMP TABLE price_stage (
    line          BIGINT,
    symbol        VARCHAR,
    trade_date    DATE,
    open          DOUBLE,
    high          DOUBLE,
    low           DOUBLE,
    close         DOUBLE,
    adj_close     DOUBLE,
    volume        DOUBLE,
    turnover_hkd  DOUBLE
)
