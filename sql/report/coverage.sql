-- Data as-of per index for the report.
SELECT symbol, name, first_date, last_date, sessions, sources, data_source
FROM price_coverage
