-- The two rules every price load and check shares (applied before the views that use them).
--
-- source_rank(source): the declared precedence that resolves prices from price_observations.
-- An analyst's import wins (an automatic refresh never overrides a deliberate load), then the
-- exchange's own market data (hkex), then Yahoo, then the bundled snapshot (a frozen copy).
CREATE OR REPLACE MACRO source_rank(source) AS
    CASE
        WHEN source LIKE 'import:%' THEN 1
        WHEN source = 'hkex' THEN 2
        WHEN source = 'yahoo' THEN 3
        WHEN source = 'snapshot' THEN 4
        ELSE 5
    END;
COMMENT ON MACRO source_rank IS 'Precedence of an index price source (1 wins) when prices resolves price_observations: an analyst''s import:<file>, then hkex (the exchange''s own data), then yahoo, then the bundled snapshot; any other source ranks 5.';

-- same_value(a, b): equal, or apart by no more than rounding noise: half a unit of the second
-- decimal, or one part in a million of the value, whichever is larger (Yahoo serves float32
-- artefacts such as 26338.470703125 for 26338.47; vendors round to two decimals).
CREATE OR REPLACE MACRO same_value(a, b) AS
    a IS NOT DISTINCT FROM b
    OR abs(a - b) <= greatest(0.005, 1e-6 * abs(b));
COMMENT ON MACRO same_value IS 'a equals b, or differs by no more than rounding noise: half a unit of the second decimal or one part in a million of b, whichever is larger. A re-served value within it is no change.';
