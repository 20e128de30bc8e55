-- Stage one bundled stock file ($path) as text, in file order: the stage's rowid is the index
-- of the data line, so stock_stage_violations can name the line of a bad row.
CREATE OR REPLACE TEMP TABLE stock_stage AS
SELECT *
FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
              escape = '"', strict_mode = true,
              columns = {'stock_code': 'VARCHAR', 'listing_date': 'VARCHAR',
                         'trade_date': 'VARCHAR', 'open': 'VARCHAR', 'high': 'VARCHAR',
                         'low': 'VARCHAR', 'close': 'VARCHAR', 'adj_close': 'VARCHAR',
                         'volume': 'VARCHAR', 'price_basis': 'VARCHAR'})
