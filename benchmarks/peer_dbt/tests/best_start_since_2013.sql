-- The claim "best start since 2013": returns a row (a failure) unless 2026's first-day change
-- beats every year from 2014 to 2025 and 2013's is at least as large.
with f as (select * from {{ ref('first_day_returns') }}),
target as (select pct_change from f where year = 2026),
between_years as (select max(pct_change) as best from f where year between 2014 and 2025),
since as (select pct_change from f where year = 2013)
select *
from target, between_years, since
where not (target.pct_change > between_years.best and since.pct_change >= target.pct_change)
