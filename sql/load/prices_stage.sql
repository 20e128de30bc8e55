-- Stage a validated price batch (registered as price_batch) with its source.
CREATE OR REPLACE TEMP TABLE stage_prices AS
WITH batch AS (
    SELECT * FROM price_batch
),

typed AS (
    SELECT
        symbol::VARCHAR           AS symbol,
        trade_date::DATE          AS trade_date,
        open::DOUBLE              AS open,
        high::DOUBLE              AS high,
        low::DOUBLE               AS low,
        close::DOUBLE             AS close,
        adj_close::DOUBLE         AS adj_close,
        volume::BIGINT            AS volume,
        turnover_hkd::BIGINT      AS turnover_hkd,
        $source::VARCHAR          AS source
    FROM batch
)

SELECT * FROM typed;
