-- The data's end (listings_data_end(), declared in seeds/data_coverage.csv): the report's
-- section for the data's last year takes its year and end date from it.
SELECT listings_data_end() AS data_end
