-- Is the staged batch the first data of its symbols? Then no other source has observed them
-- and no price is stored, so every staged row is its day's only observation and resolves to
-- itself: the load can skip resolution.
WITH batch_symbols AS (
    SELECT DISTINCT symbol FROM stage_prices
)

SELECT
    NOT EXISTS (SELECT 1 FROM price_observations AS o JOIN batch_symbols USING (symbol)
                WHERE o.source <> $source)
    AND NOT EXISTS (SELECT 1 FROM prices AS p JOIN batch_symbols USING (symbol))
    AS first_load
