-- What counting delistings changes, per horizon (all listings, against the HSI): listings with
-- a survivorship-free BHAR, how many the survivors-only reading keeps, how many it would lose;
-- and how many delisted listings have no return series at all (the vendors' survivorship).
WITH cells AS (
    SELECT horizon, horizon_order, n, n_listed_only, delisted_n
    FROM ipo_bhar
    WHERE cohort = 'all' AND benchmark = '^HSI'
),

delisted AS (
    SELECT count(*) AS delisted, count(series_source) AS delisted_with_series
    FROM ipo_performance
    WHERE delisting_date IS NOT NULL
)

SELECT
    c.horizon,
    c.n                        AS listings_counted,
    c.n_listed_only            AS survivors_only,
    c.n - c.n_listed_only      AS lost_without_delistings,
    d.delisted                 AS delisted_listings,
    d.delisted - d.delisted_with_series AS delisted_without_prices
FROM cells AS c
CROSS JOIN delisted AS d
ORDER BY c.horizon_order
