-- The new-economy counting rule, defined once. Every view, report query and claim that counts
-- listings on a date calls new_economy_counted; nothing else spells the rule out. Applied before
-- the views and macros that use it (files run in name order).

-- tier_rank(tier): the nesting of the tiers (core inside broad inside new_consumer); a
-- definition counts every tier whose rank is at most its own. 'none' (and 'any' as a
-- definition) rank 4, so 'any' counts every post-reform listing.
CREATE OR REPLACE MACRO tier_rank(tier) AS
    CASE tier WHEN 'core' THEN 1 WHEN 'broad' THEN 2 WHEN 'new_consumer' THEN 3 ELSE 4 END;
COMMENT ON MACRO tier_rank IS 'Rank of a new-economy tier in the nesting core (1) inside broad (2) inside new_consumer (3); none and anything else rank 4. A definition counts every tier ranked at most its own.';

-- definition_rank(definition): tier_rank of a definition, or an error naming the bad value.
CREATE OR REPLACE MACRO definition_rank(definition) AS
    CASE WHEN definition IN ('core', 'broad', 'new_consumer', 'any')
        THEN tier_rank(definition)
        ELSE error('new economy definition must be core, broad, new_consumer or any, not '
                   || coalesce(definition::VARCHAR, 'NULL'))
    END;
COMMENT ON MACRO definition_rank IS 'tier_rank of a definition (core, broad, new_consumer or any); any other value is an error naming it.';

-- definition_count(definition, core, broad, new_consumer): of a row's three counts, the one a
-- definition names (the claims that read one definition from new_economy_tiers_at or
-- new_economy_vs_published), or an error naming the bad value.
CREATE OR REPLACE MACRO definition_count(definition, core, broad, new_consumer) AS
    CASE definition
        WHEN 'core' THEN core
        WHEN 'broad' THEN broad
        WHEN 'new_consumer' THEN new_consumer
        ELSE error('definition must be core, broad or new_consumer, not '
                   || coalesce(definition::VARCHAR, 'NULL'))
    END;
COMMENT ON MACRO definition_count IS 'Of the counts core, broad and new_consumer, the one the definition names; any other definition is an error naming it.';

-- listed_since_reform_by(listing_date, as_of): listed on or before as_of, and on or after the
-- 2018-04-30 listing reform from which HKEX and the government count.
CREATE OR REPLACE MACRO listed_since_reform_by(listing_date, as_of) AS
    listing_date BETWEEN DATE '2018-04-30' AND as_of::DATE;
COMMENT ON MACRO listed_since_reform_by IS 'Listed on or before as_of and on or after the 2018-04-30 listing reform, from which HKEX and the government count.';

-- delisted_by(delisting_date, day): the listing has left by that day (a listing delisted on
-- the day itself has left). NULL (still listed) is false. Every "still listed" test reads it.
CREATE OR REPLACE MACRO delisted_by(delisting_date, day) AS
    coalesce(delisting_date <= day::DATE, false);
COMMENT ON MACRO delisted_by IS 'True when a listing with this delisting_date has left by day (delisted on or before it); false while delisting_date is NULL.';

-- new_economy_counted(listing_date, delisting_date, tier, as_of, definition): is this listing
-- counted on date as_of under the definition? Listed since the reform on or before as_of, not
-- delisted by as_of (a listing delisted on as_of no longer counts), tier within the definition.
CREATE OR REPLACE MACRO new_economy_counted(listing_date, delisting_date, tier, as_of,
                                            definition) AS
    listed_since_reform_by(listing_date, as_of)
    AND NOT delisted_by(delisting_date, as_of)
    AND tier_rank(tier) <= definition_rank(definition);
COMMENT ON MACRO new_economy_counted IS 'The one rule every view, report query and claim counts listings by: listed from 2018-04-30 to as_of, not delisted by as_of (a listing delisted on as_of no longer counts), tier inside definition (core; broad = core + broad; new_consumer = all three; any = every tier, none included). An unknown definition is an error.';

-- new_economy_tiers_at(as_of): one row, the number counted at as_of under each definition.
CREATE OR REPLACE MACRO new_economy_tiers_at(as_of) AS TABLE
WITH counted AS (
    SELECT
        count(*) FILTER (WHERE new_economy_counted(listing_date, delisting_date, tier, as_of,
                                                   'core'))         AS core,
        count(*) FILTER (WHERE new_economy_counted(listing_date, delisting_date, tier, as_of,
                                                   'broad'))        AS broad,
        count(*) FILTER (WHERE new_economy_counted(listing_date, delisting_date, tier, as_of,
                                                   'new_consumer')) AS new_consumer,
        count(*) FILTER (WHERE new_economy_counted(listing_date, delisting_date, tier, as_of,
                                                   'any'))          AS any_tier
    FROM new_economy_listings
)

SELECT as_of::DATE AS as_of, core, broad, new_consumer, any_tier FROM counted;
COMMENT ON MACRO TABLE new_economy_tiers_at IS 'One row (as_of, core, broad, new_consumer, any_tier): the listings counted at as_of under every definition, by new_economy_counted. For many dates: SELECT t.* FROM dates, LATERAL new_economy_tiers_at(dates.d) AS t.';

-- listings_data_end(): the last listing date the curated data covers, declared once in
-- seeds/data_coverage.csv. Every view, check, claim and report text that needs the data's end
-- reads it here, so extending the data changes one seed row.
CREATE OR REPLACE MACRO listings_data_end() AS
    (SELECT max(covers_to) FROM data_coverage WHERE dataset = 'new_economy_listings');
COMMENT ON MACRO listings_data_end IS 'The data''s end: the last listing date new_economy_listings (and its offers and demand facts) covers, from data_coverage (seeds/data_coverage.csv). NULL when no coverage row is loaded.';

-- listing_route(markers, sourced_route): the one listing-route rule. HKEX's name markers
-- decide first; a sourced route (ipo_demand.route, the research compilation's) adds 18C where
-- there is no P marker (commercial 18C issuers carry none) and A+H, which no marker shows.
CREATE OR REPLACE MACRO listing_route(markers, sourced_route) AS
    CASE
        WHEN coalesce(markers, '') LIKE '%B%' THEN '18A'
        WHEN coalesce(markers, '') LIKE '%P%' OR coalesce(sourced_route, '') LIKE '18C%'
            THEN '18C'
        WHEN coalesce(markers, '') LIKE '%W%' THEN 'WVR'
        WHEN coalesce(markers, '') LIKE '%S%' THEN 'secondary'
        WHEN coalesce(sourced_route, '') LIKE 'A+H%' THEN 'A+H'
        ELSE 'conventional'
    END;
COMMENT ON MACRO listing_route IS 'A listing''s route, first that applies: 18A (B marker), 18C (P marker, or the sourced route says 18C), WVR (W marker), secondary (S marker), A+H (only where the sourced route says so), conventional. markers as in new_economy_listings, sourced_route as in ipo_demand.route (NULL where no source gives one).';

-- listing_regime(listing_date): the IPO regime a listing came under, by its listing date: the
-- 2018-04-30 listing reform, FINI settlement (T+2) from 2023-11-22, and the pricing and
-- allocation changes in force from 2025-08-04 (sources in README). Both later rules apply by
-- prospectus or filing date, so the listing date is a proxy that can misplace a listing by the
-- few days between prospectus and listing.
CREATE OR REPLACE MACRO listing_regime(listing_date) AS
    CASE
        WHEN listing_date >= DATE '2025-08-04' THEN '2025-08-04 pricing and allocation'
        WHEN listing_date >= DATE '2023-11-22' THEN '2023-11-22 FINI'
        WHEN listing_date >= DATE '2018-04-30' THEN '2018-04-30 reform'
        ELSE 'before the reform'
    END;
COMMENT ON MACRO listing_regime IS 'The regime of a listing by its listing date: 2018-04-30 reform, 2023-11-22 FINI, 2025-08-04 pricing and allocation (before the reform otherwise); the later rules apply by prospectus or filing date, so the listing date is a proxy.';

-- bhar_min_n(): the fewest listings a cohort cell needs before ipo_bhar shows estimates; below
-- it a cell shows N only (a mean of a handful of skewed IPO returns says little).
CREATE OR REPLACE MACRO bhar_min_n() AS 10;
COMMENT ON MACRO bhar_min_n IS 'Minimum listings in an ipo_bhar cell for its estimates (mean, median, wealth relative, share beating, t, interval) to be shown; below it the cell shows N only.';

-- ipo_index_min_members(): the fewest members that must have traded on a day for
-- new_economy_ipo_index to show its level (fewer: a gap). An equal-weighted mean of fewer
-- stocks is a story about one or two companies, not a group.
CREATE OR REPLACE MACRO ipo_index_min_members() AS 5;
COMMENT ON MACRO ipo_index_min_members IS 'Fewest members that traded on a day for new_economy_ipo_index to show that day''s level; fewer is a gap (level NULL, chained_level still kept).';

-- ipo_index_holding_sessions(): how many XHKG sessions after its first close a listing stays
-- in new_economy_ipo_index (unless it delists or its series ends first).
CREATE OR REPLACE MACRO ipo_index_holding_sessions() AS 500;
COMMENT ON MACRO ipo_index_holding_sessions IS 'XHKG sessions a listing is held in new_economy_ipo_index after its first close (fewer if it delists or its series ends).';
