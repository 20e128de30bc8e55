-- New listings in a year up to the data's end, against the same months of the year before.
-- params: year INTEGER, definition TEXT, route TEXT
-- vary: year, definition, route
-- definition: core, broad, new_consumer or any (the tiers counted, nested as in
-- new_economy_counted); route: any, or a listing_route() value (18A, 18C, WVR, secondary, A+H,
-- conventional). The window runs from 1 January to the data's end (listings_data_end()) or
-- the year's end. With a route other than any it also ends where the year before has no
-- sourced route any more (ipo_demand.route; a route no marker shows, such as 18C without a
-- P marker, is known only where the compilation covers), so both years are read alike.
-- Items: this_year, last_year (listings in the window and in the same window a year
-- earlier), missing_route_last_year (earlier-year listings in the window with no sourced
-- route: 0 by construction unless the window could not be cut), window_days.
-- as_of: the window's end.
WITH routes AS (
    SELECT l.listing_date, l.tier, listing_route(l.markers, d.route) AS route,
           d.route IS NOT NULL AS route_sourced
    FROM new_economy_listings AS l
    LEFT JOIN ipo_demand AS d USING (stock_code, listing_date)
),

window_end AS (
    SELECT least(
        listings_data_end(),
        make_date($year, 12, 31),
        CASE WHEN $route = 'any' THEN NULL ELSE (
            SELECT max(listing_date) + INTERVAL 1 YEAR FROM routes
            WHERE route_sourced AND year(listing_date) = $year - 1) END
    )::DATE AS ends
),

counted AS (
    SELECT
        w.ends,
        count(*) FILTER (WHERE r.listing_date BETWEEN make_date($year, 1, 1) AND w.ends)
            AS this_year,
        count(*) FILTER (WHERE r.listing_date BETWEEN make_date($year - 1, 1, 1)
                                                 AND (w.ends - INTERVAL 1 YEAR)::DATE)
            AS last_year,
        count(*) FILTER (WHERE r.listing_date BETWEEN make_date($year - 1, 1, 1)
                                                 AND (w.ends - INTERVAL 1 YEAR)::DATE
                         AND $route != 'any' AND NOT r.route_sourced
                         AND r.route NOT IN ('18A', '18C', 'WVR', 'secondary'))
            AS missing_route_last_year
    FROM window_end AS w
    LEFT JOIN routes AS r
        ON ($route = 'any' OR r.route = $route)
       AND tier_rank(r.tier) <= definition_rank($definition)
    GROUP BY w.ends
),

labelled AS (
    SELECT
        *,
        format('{} listings, route {}, {}-01-01 to {}', $definition, $route, $year, ends)
            AS this_label,
        format('{} listings, route {}, {}-01-01 to {}', $definition, $route, $year - 1,
               (ends - INTERVAL 1 YEAR)::DATE) AS last_label
    FROM counted
)

SELECT 'this_year' AS item, this_year::DOUBLE AS value, this_label AS detail, ends AS as_of
FROM labelled
UNION ALL
SELECT 'last_year', last_year::DOUBLE, last_label, ends FROM labelled
UNION ALL
SELECT 'missing_route_last_year', missing_route_last_year::DOUBLE,
       'earlier-year listings in the window whose route no source gives', ends
FROM labelled
UNION ALL
SELECT 'window_days', (ends - make_date($year, 1, 1) + 1)::DOUBLE,
       format('days from {}-01-01 to the window end {}', $year, ends), ends
FROM labelled
