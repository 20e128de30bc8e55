-- The report reads the IPO views in a dozen queries and charts, and each would recompute them
-- from the stock prices (about a second each). On the report's own read-only connection they
-- are computed once into temporary tables of the same names, which shadow the views for the
-- rest of that connection only: the same rows, read once. Nothing is written to the file.
CREATE OR REPLACE TEMP TABLE ipo_horizon_returns AS SELECT * FROM main.ipo_horizon_returns;
CREATE OR REPLACE TEMP TABLE ipo_performance AS SELECT * FROM main.ipo_performance;
CREATE OR REPLACE TEMP TABLE ipo_bhar_values AS SELECT * FROM main.ipo_bhar_values;
CREATE OR REPLACE TEMP TABLE ipo_bhar AS SELECT * FROM main.ipo_bhar;
CREATE OR REPLACE TEMP TABLE new_economy_ipo_index AS SELECT * FROM main.new_economy_ipo_index;
CREATE OR REPLACE TEMP TABLE ipo_demand_debut AS SELECT * FROM main.ipo_demand_debut;
