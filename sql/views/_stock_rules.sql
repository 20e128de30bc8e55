-- Rules the stock views share (applied before the views that use them).
--
-- stock_source_rank(source): which vendor's first close wins where two have the listing
-- session (ipo_debuts, which takes as-traded closes only), from source_registry.debut_rank:
-- the exchange's own data (hkex) serves closes as traded; Yahoo's closes, live or bundled,
-- are split-adjusted (price_basis adjusted); the bundled Stooq set is as traded after its
-- last adjustment. A source without a rank comes last.
CREATE OR REPLACE MACRO stock_source_rank(stored) AS coalesce((
    SELECT min(r.debut_rank) FROM source_registry AS r WHERE r.source = stored
), 1000);

-- stock_return_rank(source): which vendor's series a return is measured on (ipo_horizon_
-- returns), from source_registry.return_rank. Returns use coalesce(adj_close, close): a
-- series adjusted for dividends and splits first (Yahoo's adjusted close, live or bundled: a
-- total return), then Stooq's (split-adjusted as of its snapshot: a price return), then
-- HKEX's closes as traded, which carry every later split or bonus issue as a jump. Among
-- equals, the series reaching furthest wins.
CREATE OR REPLACE MACRO stock_return_rank(stored) AS coalesce((
    SELECT min(r.return_rank) FROM source_registry AS r WHERE r.source = stored
), 1000);

-- stock_return_basis(source): what a return on that vendor's series measures.
CREATE OR REPLACE MACRO stock_return_basis(stored) AS coalesce((
    SELECT min(r.return_basis) FROM source_registry AS r WHERE r.source = stored
), 'price return');
COMMENT ON MACRO stock_source_rank IS 'Which vendor''s first close wins where two have the listing session (1 wins; ipo_debuts takes as-traded closes only), from source_registry.debut_rank: hkex, yahoo, snapshot:stooq, snapshot:yahoo; a source without a rank comes last.';
COMMENT ON MACRO stock_return_rank IS 'Which vendor''s series a return is measured on (1 first; among equals the series reaching furthest wins), from source_registry.return_rank: Yahoo''s adjusted closes, live or bundled (a total return), then Stooq''s split-adjusted closes, then HKEX''s closes as traded.';
COMMENT ON MACRO stock_return_basis IS 'What a return on the vendor''s series measures (source_registry.return_basis): total return or price return.';

-- same_stock_bar(new..., old...): a re-served stock bar that changed nothing beyond rounding
-- noise (same_value on every price, the same volume and price basis). A refresh re-fetches a few
-- sessions per stock; such a bar is neither rewritten nor counted as updated, as for indexes.
CREATE OR REPLACE MACRO same_stock_bar(o1, h1, l1, c1, a1, v1, b1, o2, h2, l2, c2, a2, v2, b2)
AS same_value(o1, o2) AND same_value(h1, h2) AND same_value(l1, l2) AND same_value(c1, c2)
   AND same_value(a1, a2) AND v1 IS NOT DISTINCT FROM v2 AND b1 IS NOT DISTINCT FROM b2;
COMMENT ON MACRO same_stock_bar IS 'A re-served stock bar equal to the stored one within rounding noise (same_value on open, high, low, close and adj_close; the same volume and price_basis): not rewritten, counted unchanged.';

-- stock_return_tolerance(): how far apart (in points) two vendors' daily returns of a stock
-- may be before source_disagreements lists the day (the provenance's cross-check used 0.1).
CREATE OR REPLACE MACRO stock_return_tolerance() AS 0.1;
COMMENT ON MACRO stock_return_tolerance IS 'How far apart, in points, two vendors'' daily returns of a stock may be before source_disagreements lists the day (0.1).';

-- on_price_grid(price, day): price is a whole number of ticks of HKEX's spread table in force
-- on day. A traded price always is; a close a vendor scaled for a later split, consolidation
-- or distribution usually is not. NULL where no band of the table covers price and day.
CREATE OR REPLACE MACRO on_price_grid(price, day) AS (
    SELECT abs(price / t.tick - round(price / t.tick)) < 1e-6
    FROM hkex_spread_table AS t
    WHERE price > t.price_above AND price <= t.price_to
      AND (t.effective_from IS NULL OR day >= t.effective_from)
      AND (t.effective_to IS NULL OR day < t.effective_to)
);
COMMENT ON MACRO on_price_grid IS 'price is a whole number of ticks of HKEX''s spread table (hkex_spread_table) in force on day, as a traded price always is; NULL where no band covers price and day.';
