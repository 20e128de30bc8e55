-- Official counts beside the table's counts.
SELECT as_of::VARCHAR AS as_of, metric, published, published_number, core, broad, new_consumer, measure, speaker
FROM new_economy_vs_published
