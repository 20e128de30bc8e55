-- When a market event took effect. Items: year, month, day; none when the event is unknown.
-- params: event_id TEXT
-- as_of: NULL (seeds/market_events.csv carries no as-of date of its own).
WITH event AS (
    SELECT event, event_date, source FROM market_events WHERE event_id = $event_id
),

items AS (
    SELECT 'year' AS item, year(event_date)::DOUBLE AS value,
           format('{} on {} ({})', event, event_date, source) AS detail
    FROM event
    UNION ALL
    SELECT 'month', month(event_date)::DOUBLE, event_date::VARCHAR FROM event
    UNION ALL
    SELECT 'day', day(event_date)::DOUBLE, event_date::VARCHAR FROM event
)

SELECT item, value, detail, NULL::DATE AS as_of FROM items
