-- Record one load per symbol of a price batch in one insert, from the registered frame
-- load_run_batch (a statement per symbol cost about 1 ms each: 2.7 s for a whole market).
-- params: $run_id, $command, $source, $started_at, $finished_at
INSERT INTO load_runs (run_id, command, source, symbol, rows_received, rows_inserted,
    rows_updated, rows_unchanged, rows_kept, first_date, last_date, started_at, finished_at)
SELECT $run_id, $command, $source, symbol, rows_received, rows_inserted, rows_updated,
    rows_unchanged, rows_kept, first_date::DATE, last_date::DATE, $started_at::TIMESTAMP,
    $finished_at::TIMESTAMP
FROM load_run_batch
