-- tier_rank(tier): the nesting of the new-economy tiers (core inside broad inside
-- new_consumer); a definition counts every tier whose rank is at most its own. Applied before
-- the views and macros that use it (files run in name order).
CREATE OR REPLACE MACRO tier_rank(tier) AS
    CASE tier WHEN 'core' THEN 1 WHEN 'broad' THEN 2 WHEN 'new_consumer' THEN 3 ELSE 4 END;
