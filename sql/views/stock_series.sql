-- Each vendor's series of each listing: how far it reaches, and how far the vendor's data
-- reaches at all (vendor_end: a series that ends before it stopped trading, not the data).
CREATE OR REPLACE VIEW stock_series AS
WITH series AS (
    SELECT stock_code, listing_date, source, min(trade_date) AS first_date,
           max(trade_date) AS last_date, count(*) AS n_rows
    FROM stock_prices
    GROUP BY stock_code, listing_date, source
),

final AS (
    SELECT *, max(last_date) OVER (PARTITION BY source) AS vendor_end
    FROM series
)

SELECT * FROM final ORDER BY stock_code, listing_date, source;

COMMENT ON VIEW stock_series IS 'One row per listing and vendor in stock_prices: first and last day, rows, and the vendor''s last day over all its listings.';
COMMENT ON COLUMN stock_series.stock_code IS '5-digit HKEX stock code.';
COMMENT ON COLUMN stock_series.listing_date IS 'The listing the series belongs to.';
COMMENT ON COLUMN stock_series.source IS 'The vendor.';
COMMENT ON COLUMN stock_series.first_date IS 'First stored day of the series.';
COMMENT ON COLUMN stock_series.last_date IS 'Last stored day of the series.';
COMMENT ON COLUMN stock_series.n_rows IS 'Stored days.';
COMMENT ON COLUMN stock_series.vendor_end IS 'The vendor''s last stored day over every listing: how far its data reaches.';
