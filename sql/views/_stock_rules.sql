-- Rules the stock views share (applied before the views that use them).
--
-- stock_source_rank(source): which vendor's close wins where two have the same listing and day.
-- The exchange's own data (hkex) serves closes as traded; live Yahoo serves as-traded closes
-- with a separate adj_close; the bundled Stooq set is as traded after its last adjustment;
-- the bundled Yahoo set is adjusted throughout.
CREATE OR REPLACE MACRO stock_source_rank(source) AS
    CASE source
        WHEN 'hkex' THEN 1
        WHEN 'yahoo' THEN 2
        WHEN 'snapshot:stooq' THEN 3
        WHEN 'snapshot:yahoo' THEN 4
        ELSE 5
    END;

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
