-- The source registry the warehouse was last built with, in precedence order for prices.
SELECT source, label, serves, live, price_basis
FROM source_registry
ORDER BY coalesce(price_rank, 1000), source
