-- Per stored symbol: how far its prices reach, and which source gave the last day.
WITH stored AS (
    SELECT symbol, trade_date, source FROM prices
),

summarised AS (
    SELECT
        symbol,
        min(trade_date)               AS first_date,
        max(trade_date)               AS last_date,
        count(*)                      AS sessions,
        arg_max(source, trade_date)   AS last_source
    FROM stored
    GROUP BY symbol
)

SELECT symbol, first_date, last_date, sessions, last_source FROM summarised ORDER BY symbol
