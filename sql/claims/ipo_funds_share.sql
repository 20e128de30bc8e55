-- The share of IPO funds raised by new-economy listings in a period, from sourced funds raised
-- (ipo_offers.funds_raised_hkd). The offers counted are the curated listings of type IPO
-- listed in the period (introductions and transfers raise no funds).
-- params: from_date DATE, to_date DATE, definition TEXT
-- vary: from_date, to_date, definition
-- definition: core, broad or new_consumer (nested, as in new_economy_counted).
-- Items: share_pct (new-economy funds / all funds x 100; NULL unless every IPO of the period
-- has its funds raised, so an incomplete sum never passes for the whole), share_of_known_pct
-- (the same over the offers whose funds are known, for reading only), new_economy_hkd,
-- all_hkd (sums over the known offers), ipos, missing_funds (IPOs of the period without a
-- sourced funds figure), missing_funds_new_economy.
-- as_of: to_date, or the data's end if that is earlier.
WITH ipos AS (
    SELECT l.stock_code, l.tier, o.funds_raised_hkd AS funds,
           tier_rank(l.tier) <= definition_rank($definition) AS new_economy
    FROM new_economy_listings AS l
    LEFT JOIN ipo_offers AS o USING (stock_code, listing_date)
    WHERE l.listing_type = 'IPO' AND l.listing_date BETWEEN $from_date AND $to_date
),

summed AS (
    SELECT
        count(*) AS ipos,
        count(*) FILTER (WHERE funds IS NULL) AS missing,
        count(*) FILTER (WHERE funds IS NULL AND new_economy) AS missing_ne,
        coalesce(sum(funds) FILTER (WHERE new_economy), 0) AS ne_hkd,
        sum(funds) AS all_hkd,
        least($to_date::DATE, listings_data_end()) AS as_of
    FROM ipos
),

shares AS (
    SELECT
        *,
        round(ne_hkd * 100.0 / nullif(all_hkd, 0), 2) AS known_share,
        format('{} of {} IPOs listed {} to {} have no sourced funds raised ({} of them {})',
               missing, ipos, $from_date, $to_date, missing_ne, $definition) AS gaps
    FROM summed
)

SELECT 'share_pct' AS item,
       CASE WHEN missing = 0 AND ipos > 0 THEN known_share END AS value,
       CASE WHEN missing = 0 AND ipos > 0
           THEN format('{} funds over all IPO funds, {} to {}', $definition, $from_date,
                       $to_date)
           ELSE 'not measurable: ' || gaps END AS detail,
       as_of
FROM shares
UNION ALL
SELECT 'share_of_known_pct', known_share,
       'over the IPOs with sourced funds only; ' || gaps, as_of FROM shares
UNION ALL
SELECT 'new_economy_hkd', ne_hkd, format('HK$ raised by {} IPOs with known funds', $definition),
       as_of FROM shares
UNION ALL
SELECT 'all_hkd', all_hkd, 'HK$ raised by every IPO with known funds', as_of FROM shares
UNION ALL
SELECT 'ipos', ipos, 'IPOs of curated listings in the period', as_of FROM shares
UNION ALL
SELECT 'missing_funds', missing, gaps, as_of FROM shares
UNION ALL
SELECT 'missing_funds_new_economy', missing_ne, gaps, as_of FROM shares
