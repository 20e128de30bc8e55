-- Where each table's data comes from.
SELECT 'prices: ' || name AS data, data_source AS source FROM indexes
UNION ALL
SELECT 'market event: ' || event, source FROM market_events
UNION ALL
SELECT 'new_economy_listings', 'seeds/new_economy_listings.csv (rule: seeds/NEW_ECONOMY.md; sources: seeds/PROVENANCE_listings.md), ' || count(*) || ' rows'
FROM new_economy_listings
UNION ALL
SELECT 'published count: ' || metric || ' (' || as_of || ')', speaker || ' ' || source_url
FROM published_counts
