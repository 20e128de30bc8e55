-- Per stock source: how many listings and rows it holds and how far they reach, and for a
-- live source how many stocks its latest universe refresh could not fetch.
WITH stored AS (
    SELECT
        source,
        count(DISTINCT (stock_code, listing_date))  AS listings,
        count(*)                                     AS n_rows,
        min(trade_date)                              AS first_date,
        max(trade_date)                              AS last_date
    FROM stock_prices
    GROUP BY source
),

latest_failures AS (
    SELECT source, count(*) AS failed, any_value(run_id) AS run_id
    FROM load_failures
    WHERE run_id = (SELECT arg_max(run_id, failed_at) FROM load_failures)
    GROUP BY source
)

SELECT s.source, s.listings, s.n_rows, s.first_date, s.last_date,
       coalesce(f.failed, 0) AS failed_last_run, f.run_id AS failed_run_id
FROM stored AS s
LEFT JOIN latest_failures AS f USING (source)
ORDER BY s.source
