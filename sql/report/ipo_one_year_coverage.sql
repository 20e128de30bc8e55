-- Why a listing has a one-year (250-session) excess over the HSI or not: known (fresh or
-- stale close), not reached or not computed (ipo_horizon_returns.note by its leading reason,
-- without the listing's own numbers and dates), or no return series at all
-- (ipo_performance.coverage). A note of a shape not named here is grouped by its text before
-- the first colon, so a new reason shows rather than vanishes.
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
            WHEN h.note LIKE 'not computed:%'
                THEN 'not computed: a daily move listed in stock_large_moves inside the window (a possible '
                     || 'consolidation or split the vendor did not adjust for)'
            WHEN h.note IS NOT NULL THEN split_part(h.note, ':', 1)
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
