-- Every rule a staged stock file ($source) must meet before anything is stored, as
-- (line, field, message, count): the first bad row of the earliest-failing line, and how many
-- rows break the same rule. Line 1 is the header, so data line = rowid + 2.
-- params: $source, $today
WITH staged AS (
    SELECT
        rowid + 2                                                   AS line,
        *,
        CAST(try_strptime(listing_date, '%Y-%m-%d') AS DATE)        AS listing_day,
        CAST(try_strptime(trade_date, '%Y-%m-%d') AS DATE)          AS trade_day,
        TRY_CAST(high AS DOUBLE)                                    AS high_n,
        TRY_CAST(low AS DOUBLE)                                     AS low_n
    FROM stock_stage
),

numbers AS (
    UNPIVOT (SELECT line, open, high, low, close, adj_close, volume FROM staged)
    ON open, high, low, close, adj_close, volume
    INTO NAME field VALUE text
),

listed AS (
    SELECT stock_code, listing_date, delisting_date FROM new_economy_listings
),

format_rules AS (
    SELECT line, 'stock_code' AS field, 'code' AS code,
           format('{} is not a 5-digit stock code (keep leading zeros, e.g. 00700)',
                  coalesce('''' || stock_code || '''', 'empty')) AS message
    FROM staged WHERE stock_code IS NULL OR NOT regexp_full_match(stock_code, '\d{5}')
    UNION ALL
    SELECT line, 'listing_date', 'listing_date',
           format('{} is not a date (YYYY-MM-DD)', coalesce('''' || listing_date || '''', 'empty'))
    FROM staged WHERE listing_day IS NULL
    UNION ALL
    SELECT line, 'trade_date', 'trade_date',
           format('{} is not a date (YYYY-MM-DD)', coalesce('''' || trade_date || '''', 'empty'))
    FROM staged WHERE trade_day IS NULL
    UNION ALL
    SELECT line, 'close', 'close_required', 'empty; a value is required'
    FROM staged WHERE close IS NULL
    UNION ALL
    SELECT line, field, 'number', format('''{}'' is not a number', text)
    FROM numbers WHERE NOT coalesce(isfinite(TRY_CAST(text AS DOUBLE)), false)
    UNION ALL
    SELECT line, 'price_basis', 'basis',
           format('{} is not one of adjusted, unadjusted',
                  coalesce('''' || price_basis || '''', 'empty'))
    FROM staged WHERE price_basis IS NULL OR price_basis NOT IN ('adjusted', 'unadjusted')
),

value_rules AS (
    SELECT line, field, 'positive',
           format('{} is not positive', text)
    FROM numbers
    WHERE field <> 'volume' AND TRY_CAST(text AS DOUBLE) <= 0
    UNION ALL
    SELECT line, 'volume', 'volume', format('{} is negative', text)
    FROM numbers WHERE field = 'volume' AND TRY_CAST(text AS DOUBLE) < 0
    UNION ALL
    SELECT line, 'high', 'high_low', format('high {} is below low {}', high, low)
    FROM staged WHERE high_n < low_n
    UNION ALL
    SELECT line, 'trade_date', 'future',
           format('{} is in the future (today is {})', trade_day, CAST($today AS DATE))
    FROM staged WHERE trade_day > CAST($today AS DATE)
),

listing_rules AS (
    SELECT s.line, 'listing_date', 'unknown_listing',
           format('no listing of {} on {} in new_economy_listings', s.stock_code, s.listing_day)
    FROM staged AS s
    ANTI JOIN listed AS l ON l.stock_code = s.stock_code AND l.listing_date = s.listing_day
    WHERE s.listing_day IS NOT NULL
    UNION ALL
    SELECT line, 'trade_date', 'before_listing',
           format('{} is before the listing date {} of {}', trade_day, listing_day, stock_code)
    FROM staged WHERE trade_day < listing_day
    UNION ALL
    SELECT s.line, 'trade_date', 'after_delisting',
           format('{} is on or after {}''s delisting date {} (listed {})', s.trade_day,
                  s.stock_code, l.delisting_date, s.listing_day)
    FROM staged AS s
    JOIN listed AS l ON l.stock_code = s.stock_code AND l.listing_date = s.listing_day
    WHERE s.trade_day >= l.delisting_date
),

key_rules AS (
    SELECT line, 'trade_date', 'duplicate',
           format('{} {} (listed {}) is already on line {}', stock_code, trade_day, listing_day,
                  first_line)
    FROM (
        SELECT line, stock_code, listing_day, trade_day,
               min(line) OVER (PARTITION BY stock_code, listing_day, trade_day) AS first_line
        FROM staged
    )
    WHERE line > first_line
    UNION ALL
    SELECT line, 'listing_date', 'two_listings',
           format('{} on {} is claimed by the listings of {} and {}', stock_code, trade_day,
                  first_listing, last_listing)
    FROM (
        SELECT line, stock_code, trade_day, listing_day,
               min(listing_day) OVER (PARTITION BY stock_code, trade_day) AS first_listing,
               max(listing_day) OVER (PARTITION BY stock_code, trade_day) AS last_listing
        FROM staged
    )
    WHERE first_listing <> last_listing
    UNION ALL
    SELECT s.line, 'listing_date', 'two_listings',
           format('{} on {} is stored under the listing of {} (source {})', s.stock_code,
                  s.trade_day, p.listing_date, p.source)
    FROM staged AS s
    JOIN stock_prices AS p
        ON p.stock_code = s.stock_code AND p.trade_date = s.trade_day
       AND p.listing_date <> s.listing_day AND p.source <> $source
),

violations AS (
    SELECT * FROM format_rules
    UNION ALL SELECT * FROM value_rules
    UNION ALL SELECT * FROM listing_rules
    UNION ALL SELECT * FROM key_rules
),

final AS (
    SELECT line, field, message, count(*) OVER (PARTITION BY code) AS n
    FROM violations
)

SELECT * FROM final ORDER BY line, field LIMIT 1
