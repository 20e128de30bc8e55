-- Record a stored List of Securities.
-- params: $as_of, $equity_lines, $issuers, $url, $run_id, $loaded_at
INSERT INTO securities_lists (as_of, equity_lines, issuers, url, run_id, loaded_at)
VALUES ($as_of, $equity_lines, $issuers, $url, $run_id, $loaded_at)
