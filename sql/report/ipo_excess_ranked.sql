-- The best and the worst listings by one-year excess over the HSI (excess_vs_hsi_250s:
-- return from the first close at 250 sessions minus the HSI's over the same sessions, in
-- points), with the returns it is made of and the note when the 250-session close is stale.
-- Ties go to the earlier listing, then the lower code. ranked_of: how many listings have the
-- measure at all.
-- params: n INTEGER (listings on each side)
WITH measured AS (
    SELECT
        p.stock_code,
        p.name_en,
        p.listing_date,
        p.tier,
        p.series_source,
        p.date_250s,
        p.return_from_first_close_250s,
        p.hsi_return_250s,
        p.excess_vs_hsi_250s,
        h.note AS note_250s
    FROM ipo_performance AS p
    LEFT JOIN ipo_horizon_returns AS h
        ON h.stock_code = p.stock_code AND h.listing_date = p.listing_date
       AND h.horizon = '250s' AND h.stale
    WHERE p.excess_vs_hsi_250s IS NOT NULL
),

ranked AS (
    SELECT
        *,
        row_number() OVER (ORDER BY excess_vs_hsi_250s DESC, listing_date, stock_code) AS best_rank,
        row_number() OVER (ORDER BY excess_vs_hsi_250s ASC, listing_date, stock_code) AS worst_rank,
        count(*) OVER () AS ranked_of
    FROM measured
),

sides AS (
    SELECT 'best' AS side, best_rank AS rank, * EXCLUDE (best_rank, worst_rank)
    FROM ranked WHERE best_rank <= $n
    UNION ALL
    SELECT 'worst' AS side, worst_rank AS rank, * EXCLUDE (best_rank, worst_rank)
    FROM ranked WHERE worst_rank <= $n
)

SELECT
    side,
    rank,
    stock_code,
    name_en,
    listing_date,
    tier,
    series_source,
    date_250s,
    return_from_first_close_250s,
    hsi_return_250s,
    excess_vs_hsi_250s,
    note_250s,
    ranked_of
FROM sides
ORDER BY side, rank
