-- Why a listing has a one-year (250-session) excess over the HSI or not: known (fresh or
-- stale close), not reached in the data (ipo_horizon_returns.note without its dates), or no
-- return series at all (ipo_performance.coverage).
WITH horizon AS (
    SELECT stock_code, listing_date, stale, note
    FROM ipo_horizon_returns
    WHERE horizon = '250s'
),

listings AS (
    SELECT
        p.stock_code,
        p.listing_date,
        CASE
            WHEN p.excess_vs_hsi_250s IS NOT NULL AND h.stale
                THEN 'known, from the last close before a session without trade (stale)'
            WHEN p.excess_vs_hsi_250s IS NOT NULL THEN 'known'
            WHEN h.note LIKE 'not reached:%' THEN 'not reached: the series ends before the 250th session'
            WHEN h.note LIKE 'delisted%' THEN 'delisted before the 250th session'
            WHEN h.note IS NOT NULL THEN h.note
            WHEN p.return_from_first_close_250s IS NOT NULL THEN 'no HSI close on a session of the window'
            ELSE 'no return series: ' || p.coverage
        END AS reason
    FROM ipo_performance AS p
    LEFT JOIN horizon AS h ON h.stock_code = p.stock_code AND h.listing_date = p.listing_date
)

SELECT reason, count(*) AS listings
FROM listings
GROUP BY reason
ORDER BY starts_with(reason, 'known') DESC, listings DESC, reason
