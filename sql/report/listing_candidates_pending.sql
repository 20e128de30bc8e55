-- The candidate listings and delistings awaiting review, oldest first.
SELECT * FROM listing_candidates
WHERE status = 'awaiting review'
ORDER BY kind DESC, since, stock_code
