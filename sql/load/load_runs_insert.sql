-- Record one load per symbol (columns named, so a migration may add columns).
INSERT INTO load_runs (run_id, command, source, symbol, rows_received, rows_inserted,
    rows_updated, rows_unchanged, rows_kept, first_date, last_date, started_at, finished_at)
VALUES ($run_id, $command, $source, $symbol, $rows_received,
    $rows_inserted, $rows_updated, $rows_unchanged, $rows_kept, $first_date, $last_date,
    $started_at, $finished_at)
