-- One row per listing and source in stock_prices, with the count of rows that break each
-- stock rule (the stock_prices suite expects every count to be 0 and every price positive).
-- Aggregated in DuckDB so the suite validates a few hundred rows, not every stored day.
-- Incremental: only rows loaded after $since (NULL: every row) are summarised; the rules
-- that look beyond a row (a code-day claimed twice) still read every stored row.
-- params: $since
WITH listed AS (
    SELECT stock_code, listing_date, delisting_date FROM new_economy_listings
),

code_days AS (
    -- a code and day claimed by more than one listing (codes are reused, issuers never mix)
    SELECT stock_code, trade_date
    FROM stock_prices
    GROUP BY stock_code, trade_date
    HAVING count(DISTINCT listing_date) > 1
),

flagged AS (
    SELECT
        p.stock_code,
        p.listing_date,
        p.source,
        p.trade_date,
        least(p.open, p.high, p.low, p.close)                       AS lowest_price,
        p.high < p.low                                              AS high_below_low,
        s.session IS NULL                                           AS not_a_session,
        p.trade_date < p.listing_date                               AS before_listing,
        p.trade_date >= l.delisting_date                            AS after_delisting,
        l.stock_code IS NULL                                        AS unknown_listing,
        c.stock_code IS NOT NULL                                    AS claimed_twice
    FROM stock_prices AS p
    LEFT JOIN trading_sessions AS s ON s.session = p.trade_date
    LEFT JOIN listed AS l ON l.stock_code = p.stock_code AND l.listing_date = p.listing_date
    LEFT JOIN code_days AS c ON c.stock_code = p.stock_code AND c.trade_date = p.trade_date
    WHERE $since IS NULL OR p.loaded_at > CAST($since AS TIMESTAMP)
),

final AS (
    SELECT
        stock_code,
        strftime(listing_date, '%Y-%m-%d')                          AS listing_date,
        source,
        count(*)                                                    AS n_rows,
        min(lowest_price)                                           AS lowest_price,
        count(*) FILTER (WHERE high_below_low)                      AS high_below_low,
        count(*) FILTER (WHERE not_a_session)                       AS not_a_session,
        count(*) FILTER (WHERE before_listing)                      AS before_listing,
        count(*) FILTER (WHERE after_delisting)                     AS after_delisting,
        count(*) FILTER (WHERE unknown_listing)                     AS unknown_listing,
        count(*) FILTER (WHERE claimed_twice)                       AS claimed_twice,
        -- the first days that broke a rule, so a failure names them, not just a count
        array_to_string(list_slice(list(strftime(trade_date, '%Y-%m-%d') ORDER BY trade_date)
            FILTER (WHERE high_below_low OR not_a_session OR before_listing OR after_delisting
                    OR unknown_listing OR claimed_twice), 1, 5), ' ')  AS bad_days
    FROM flagged
    GROUP BY stock_code, listing_date, source
)

SELECT * FROM final ORDER BY stock_code, listing_date, source
