-- Every rule a staged stock file ($source) must meet before anything is stored, as
-- (line, field, message, count): the first bad row of the earliest-failing line, and how many
-- rows break the same rule. Values that do not convert were refused when staging; line 1 is
-- the header, so data line = rowid + 2. Every number must be finite and within its kind's
-- sane range ($price_min..$price_max, volumes below $quantity_max: hkpipe/bounds.py).
-- params: $source, $today, $price_min, $price_max, $price_range, $quantity_max,
--         $quantity_range
WITH staged AS (
    SELECT rowid + 2 AS line, * FROM stock_stage
),

listed AS (
    SELECT stock_code, listing_date, delisting_date FROM new_economy_listings
),

row_rules AS (
    SELECT
        line,
        CASE
            WHEN stock_code IS NULL OR NOT regexp_full_match(stock_code, '\d{5}') THEN 'stock_code'
            WHEN listing_date IS NULL THEN 'listing_date'
            WHEN trade_date IS NULL THEN 'trade_date'
            WHEN close IS NULL THEN 'close'
            WHEN close <= 0 THEN 'close'
            WHEN open <= 0 THEN 'open'
            WHEN high <= 0 THEN 'high'
            WHEN low <= 0 THEN 'low'
            WHEN adj_close <= 0 THEN 'adj_close'
            WHEN volume < 0 THEN 'volume'
            -- not finite (DuckDB reads 1e309 and inf as infinity, and nan), or out of range
            WHEN NOT isfinite(close) OR close NOT BETWEEN $price_min AND $price_max THEN 'close'
            WHEN NOT isfinite(open) OR open NOT BETWEEN $price_min AND $price_max THEN 'open'
            WHEN NOT isfinite(high) OR high NOT BETWEEN $price_min AND $price_max THEN 'high'
            WHEN NOT isfinite(low) OR low NOT BETWEEN $price_min AND $price_max THEN 'low'
            WHEN NOT isfinite(adj_close) OR adj_close NOT BETWEEN $price_min AND $price_max
                THEN 'adj_close'
            WHEN NOT isfinite(volume) OR volume >= $quantity_max THEN 'volume'
            WHEN high < low THEN 'high'
            WHEN price_basis IS NULL OR price_basis NOT IN ('adjusted', 'unadjusted')
                THEN 'price_basis'
            WHEN trade_date > CAST($today AS DATE) THEN 'trade_date'
            WHEN trade_date < listing_date THEN 'trade_date'
        END AS field,
        CASE
            WHEN stock_code IS NULL OR NOT regexp_full_match(stock_code, '\d{5}') THEN
                format('{} is not a 5-digit stock code (keep leading zeros, e.g. 00700)',
                       coalesce('''' || stock_code || '''', 'empty'))
            WHEN listing_date IS NULL THEN 'empty; a value is required'
            WHEN trade_date IS NULL THEN 'empty; a value is required'
            WHEN close IS NULL THEN 'empty; a value is required'
            WHEN close <= 0 THEN format('{} is not a positive price', close)
            WHEN open <= 0 THEN format('{} is not a positive price', open)
            WHEN high <= 0 THEN format('{} is not a positive price', high)
            WHEN low <= 0 THEN format('{} is not a positive price', low)
            WHEN adj_close <= 0 THEN format('{} is not a positive price', adj_close)
            WHEN volume < 0 THEN format('{} is not a volume', volume)
            WHEN NOT isfinite(close) OR close NOT BETWEEN $price_min AND $price_max
                THEN format('{} is outside the sane range of a price, {} (hkpipe/bounds.py)',
                            close, $price_range)
            WHEN NOT isfinite(open) OR open NOT BETWEEN $price_min AND $price_max
                THEN format('{} is outside the sane range of a price, {} (hkpipe/bounds.py)',
                            open, $price_range)
            WHEN NOT isfinite(high) OR high NOT BETWEEN $price_min AND $price_max
                THEN format('{} is outside the sane range of a price, {} (hkpipe/bounds.py)',
                            high, $price_range)
            WHEN NOT isfinite(low) OR low NOT BETWEEN $price_min AND $price_max
                THEN format('{} is outside the sane range of a price, {} (hkpipe/bounds.py)',
                            low, $price_range)
            WHEN NOT isfinite(adj_close) OR adj_close NOT BETWEEN $price_min AND $price_max
                THEN format('{} is outside the sane range of a price, {} (hkpipe/bounds.py)',
                            adj_close, $price_range)
            WHEN NOT isfinite(volume) OR volume >= $quantity_max
                THEN format('{} is outside the sane range of a volume, {} (hkpipe/bounds.py)',
                            volume, $quantity_range)
            WHEN high < low THEN format('high {} is below low {}', high, low)
            WHEN price_basis IS NULL OR price_basis NOT IN ('adjusted', 'unadjusted') THEN
                format('{} is not one of adjusted, unadjusted',
                       coalesce('''' || price_basis || '''', 'empty'))
            WHEN trade_date > CAST($today AS DATE)
                THEN format('{} is in the future (today is {})', trade_date, CAST($today AS DATE))
            WHEN trade_date < listing_date
                THEN format('{} is before the listing date {} of {}', trade_date, listing_date,
                            stock_code)
        END AS message
    FROM staged
),

listing_rules AS (
    SELECT
        s.line,
        'listing_date' AS field,
        CASE
            WHEN l.stock_code IS NULL
                THEN format('no listing of {} on {} in new_economy_listings', s.stock_code,
                            s.listing_date)
            ELSE format('{} is on or after {}''s delisting date {} (listed {})', s.trade_date,
                        s.stock_code, l.delisting_date, s.listing_date)
        END AS message
    FROM staged AS s
    LEFT JOIN listed AS l ON l.stock_code = s.stock_code AND l.listing_date = s.listing_date
    WHERE l.stock_code IS NULL OR s.trade_date >= l.delisting_date
),

key_rules AS (
    SELECT line, 'trade_date' AS field,
           format('{} {} (listed {}) is already on line {}', stock_code, trade_date,
                  listing_date, first_line) AS message
    FROM (
        SELECT line, stock_code, listing_date, trade_date,
               min(line) OVER (PARTITION BY stock_code, listing_date, trade_date) AS first_line,
               min(listing_date) OVER (PARTITION BY stock_code, trade_date) AS first_listing,
               max(listing_date) OVER (PARTITION BY stock_code, trade_date) AS last_listing
        FROM staged
    )
    WHERE line > first_line
    UNION ALL
    SELECT line, 'listing_date',
           format('{} on {} is claimed by the listings of {} and {}', stock_code, trade_date,
                  first_listing, last_listing)
    FROM (
        SELECT line, stock_code, trade_date,
               min(listing_date) OVER (PARTITION BY stock_code, trade_date) AS first_listing,
               max(listing_date) OVER (PARTITION BY stock_code, trade_date) AS last_listing
        FROM staged
    )
    WHERE first_listing <> last_listing
    UNION ALL
    SELECT s.line, 'listing_date',
           format('{} on {} is stored under the listing of {} (source {})', s.stock_code,
                  s.trade_date, p.listing_date, p.source)
    FROM staged AS s
    JOIN stock_prices AS p
        ON p.stock_code = s.stock_code AND p.trade_date = s.trade_date
       AND p.listing_date <> s.listing_date AND p.source <> $source
),

violations AS (
    -- on one line: the row's own values first, then its key, then its listing
    SELECT line, field, message, 'row:' || field AS rule, 1 AS prio
    FROM row_rules WHERE field IS NOT NULL
    UNION ALL SELECT *, 'key:' || field, 2 FROM key_rules
    UNION ALL SELECT *, 'listing', 3 FROM listing_rules
),

final AS (
    SELECT line, field, message, count(*) OVER (PARTITION BY rule) AS n, prio
    FROM violations
)

SELECT line, field, message, n FROM final ORDER BY line, prio, field LIMIT 1
