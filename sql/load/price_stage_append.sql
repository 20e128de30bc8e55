-- Append one checked chunk of a price file (registered as price_chunk) to the stage.
INSERT INTO price_stage
SELECT
    _line,
    symbol,
    trade_date::DATE,
    open,
    high,
    low,
    close,
    adj_close,
    volume,
    turnover_hkd
FROM price_chunk
