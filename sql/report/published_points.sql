-- The official counts of one measure, as points beside the table's series.
SELECT as_of, published, published_number
FROM new_economy_vs_published
WHERE measure = $measure
ORDER BY as_of
