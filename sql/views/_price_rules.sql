-- The two rules every price load and check shares (applied before the views that use them).
--
-- source_rank(source): the declared precedence that resolves prices from price_observations,
-- read from source_registry (each source module in hkpipe/sources/ declares its price_rank):
-- an analyst's import wins (an automatic refresh never overrides a deliberate load), then the
-- exchange's own market data (hkex), then Yahoo, then the bundled snapshot (a frozen copy).
-- A source without a rank comes after every ranked one.
CREATE OR REPLACE MACRO source_rank(stored) AS coalesce((
    SELECT min(r.price_rank)
    FROM source_registry AS r
    WHERE r.source = stored OR (r.is_prefix AND starts_with(stored, r.source))
), 1000);

-- source_is_exchange(source): the exchange's own data (HKEX), not a vendor's.
CREATE OR REPLACE MACRO source_is_exchange(stored) AS coalesce((
    SELECT bool_or(r.is_exchange) FROM source_registry AS r WHERE r.source = stored
), false);
COMMENT ON MACRO source_rank IS 'Precedence of an index price source (1 wins) when prices resolves price_observations, from source_registry.price_rank: an analyst''s import:<file>, then hkex (the exchange''s own data), then yahoo, then the bundled snapshot; a source without a rank comes last.';
COMMENT ON MACRO source_is_exchange IS 'True for the exchange''s own data (source_registry.is_exchange: hkex), false for a vendor''s.';

-- close_tolerance_pct(): how far apart (percent) two sources' closes of an index may be before
-- source_disagreements lists the day and check fails reconcile:<symbol> (vendors round).
CREATE OR REPLACE MACRO close_tolerance_pct() AS 0.05;
COMMENT ON MACRO close_tolerance_pct IS 'The tolerance, in percent, of two sources'' closes of an index: beyond it source_disagreements lists the day (measure close).';

-- same_value(a, b): equal, or apart by no more than rounding noise: half a unit of the second
-- decimal, or one part in a million of the value, whichever is larger (Yahoo serves float32
-- artefacts such as 26338.470703125 for 26338.47; vendors round to two decimals).
CREATE OR REPLACE MACRO same_value(a, b) AS
    a IS NOT DISTINCT FROM b
    OR abs(a - b) <= greatest(0.005, 1e-6 * abs(b));
COMMENT ON MACRO same_value IS 'a equals b, or differs by no more than rounding noise: half a unit of the second decimal or one part in a million of b, whichever is larger. A re-served value within it is no change.';
