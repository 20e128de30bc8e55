-- Replace the calendar tables with the batches registered as session_batch and exception_batch.
DELETE FROM xhkg_sessions;
INSERT INTO xhkg_sessions BY NAME SELECT * FROM session_batch;
DELETE FROM calendar_exceptions;
INSERT INTO calendar_exceptions BY NAME SELECT * FROM exception_batch;
