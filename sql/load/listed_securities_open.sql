-- Every issuer line of the list (list_batch) not extended by listed_securities_extend opens an
-- interval at $as_of: a new code, a code back after a gap, or a code under a new ISIN.
-- params: $as_of
INSERT INTO listed_securities (stock_code, isin, short_name, board, board_lot, markers,
                               first_seen, last_seen)
SELECT b.stock_code, b.isin, b.short_name, b.board, b.board_lot, b.markers, $as_of, $as_of
FROM list_batch AS b
WHERE NOT EXISTS (
    SELECT 1 FROM listed_securities AS s
    WHERE s.stock_code = b.stock_code AND s.last_seen = $as_of)
