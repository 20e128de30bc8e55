-- Per index symbol observed by two or more sources: days compared, and the disagreements beyond the
-- tolerance (source_disagreements), undocumented ones listed with their values.
WITH shared_days AS (
    SELECT symbol, trade_date
    FROM price_observations
    GROUP BY symbol, trade_date
    HAVING count(*) > 1
),

compared AS (
    SELECT symbol, count(*) AS days FROM shared_days GROUP BY symbol
),

observed_sources AS (
    SELECT symbol, string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
    FROM price_observations
    GROUP BY symbol
),

disagreements AS (
    SELECT
        symbol,
        count(*) FILTER (WHERE documented_reason IS NULL)      AS undocumented,
        count(*) FILTER (WHERE documented_reason IS NOT NULL)  AS documented,
        string_agg(format('{} {} {:.2f} vs {} {:.2f} ({:+.3f}%)', trade_date, source_a,
                          close_a, source_b, close_b, diff_pct), '; ' ORDER BY trade_date)
            FILTER (WHERE documented_reason IS NULL)           AS examples
    FROM source_disagreements
    WHERE measure = 'close'
    GROUP BY symbol
)

SELECT
    c.symbol,
    c.days,
    o.sources,
    coalesce(d.undocumented, 0) AS undocumented,
    coalesce(d.documented, 0)   AS documented,
    d.examples,
    close_tolerance_pct()       AS tolerance
FROM compared AS c
JOIN observed_sources AS o USING (symbol)
LEFT JOIN disagreements AS d USING (symbol)
ORDER BY c.symbol
