-- Stage one bundled stock file ($path), typed, in file order: the stage's rowid is the index
-- of the data line, so stock_stage_violations can name the line of a bad row. A value that
-- does not convert fails here, and DuckDB's error names the line and column.
CREATE OR REPLACE TEMP TABLE stock_stage AS
SELECT *
FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
              escape = '"', strict_mode = true, dateformat = '%Y-%m-%d',
              columns = {'stock_code': 'VARCHAR', 'listing_date': 'DATE',
                         'trade_date': 'DATE', 'open': 'DOUBLE', 'high': 'DOUBLE',
                         'low': 'DOUBLE', 'close': 'DOUBLE', 'adj_close': 'DOUBLE',
                         'volume': 'DOUBLE', 'price_basis': 'VARCHAR'})
