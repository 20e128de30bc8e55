-- The data dictionary's macros (hkpipe.dictionary): table macros first, then scalar macros,
-- each by name, with their parameters.
SELECT function_name AS name, function_type AS kind, parameters, coalesce(comment, '') AS comment
FROM duckdb_functions()
WHERE NOT internal AND database_name = current_database()
  AND function_type IN ('table_macro', 'macro')
ORDER BY function_type DESC, function_name
