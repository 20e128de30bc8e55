-- Dated market events named in the claims, from seeds/market_events.csv.
CREATE TABLE IF NOT EXISTS market_events (
    event_id       VARCHAR PRIMARY KEY,
    event          VARCHAR NOT NULL,
    event_date     DATE    NOT NULL,
    announced_date DATE,
    description    VARCHAR,
    source         VARCHAR NOT NULL
);

COMMENT ON TABLE market_events IS 'Sourced dates of market events the claims name (channel launches, product and index launches).';
COMMENT ON COLUMN market_events.event_id IS 'Stable identifier used by the claim ledger.';
COMMENT ON COLUMN market_events.event IS 'What happened.';
COMMENT ON COLUMN market_events.event_date IS 'The day it took effect (launch, first trading day).';
COMMENT ON COLUMN market_events.announced_date IS 'The day it was announced, where earlier.';
COMMENT ON COLUMN market_events.description IS 'Details from the sources.';
COMMENT ON COLUMN market_events.source IS 'Addresses of the sources.';
