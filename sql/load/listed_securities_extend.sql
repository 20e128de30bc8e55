-- A list's issuer lines (registered as list_batch) that were on the previous stored list
-- ($previous) with the same code and ISIN extend their interval to $as_of, taking the
-- latest name, board, board lot and markers.
-- params: $as_of, $previous
UPDATE listed_securities AS s
SET last_seen = $as_of, short_name = b.short_name, board = b.board, board_lot = b.board_lot,
    markers = b.markers
FROM list_batch AS b
WHERE s.stock_code = b.stock_code AND s.isin IS NOT DISTINCT FROM b.isin
  AND s.last_seen = $previous
