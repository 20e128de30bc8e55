-- Record the per-stock failures of a universe refresh, registered as failure_batch.
INSERT INTO load_failures (run_id, command, source, stock_code, listing_date, remote_symbol,
                           reason, detail, asked_from, asked_to, failed_at)
SELECT $run_id, $command, source, stock_code, CAST(listing_date AS DATE), remote_symbol,
       reason, detail, CAST(asked_from AS DATE), CAST(asked_to AS DATE), CAST(failed_at AS TIMESTAMP)
FROM failure_batch
