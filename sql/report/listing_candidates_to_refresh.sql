-- The candidate listings awaiting review as listings for the listed-universe refresh: prices
-- from the first stored session, or, before any bar is stored, from the day its own bars start.
SELECT stock_code, coalesce(first_session, bars_from) AS listing_date
FROM listing_candidates
WHERE kind = 'listing' AND status = 'awaiting review'
ORDER BY stock_code
