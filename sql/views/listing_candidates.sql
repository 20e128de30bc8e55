-- Candidate listings and delistings from the stored Lists of Securities, with their review
-- status. A candidate listing is a code on a list that no curated listing covered on that day;
-- a candidate delisting is a curated listing missing from a list. Neither changes a count or
-- a claim until a person adds or closes the seed row (hkpipe listings propose --write, then a
-- review of the diff); the seeds that come to hold it mark it reviewed.
CREATE OR REPLACE VIEW listing_candidates AS
WITH latest AS (
    SELECT max(as_of) AS as_of FROM securities_lists
),

intervals AS (
    -- the listed_securities interval a candidate listing opened
    SELECT c.kind, c.stock_code, c.since, s.last_seen
    FROM listing_candidate_log AS c
    JOIN listed_securities AS s ON s.stock_code = c.stock_code AND s.first_seen = c.since
    WHERE c.kind = 'listing'
),

bars AS (
    -- the candidate's first session with bars, from any stock source (as stored)
    SELECT c.stock_code, c.since, min(p.trade_date) AS first_session,
           arg_min(p.source, p.trade_date) AS first_session_source
    FROM listing_candidate_log AS c
    JOIN stock_prices AS p ON p.stock_code = c.stock_code AND p.trade_date >= c.bars_from
    WHERE c.kind = 'listing'
    GROUP BY ALL
),

seen AS (
    -- a delisting candidate's code on stored lists since its listing
    SELECT c.stock_code, c.since, max(s.last_seen) AS last_seen
    FROM listing_candidate_log AS c
    JOIN listed_securities AS s ON s.stock_code = c.stock_code AND s.last_seen >= c.since
    WHERE c.kind = 'delisting'
    GROUP BY ALL
),

status AS (
    SELECT
        c.*,
        coalesce(i.last_seen, d.last_seen) AS last_seen,
        b.first_session,
        b.first_session_source,
        CASE c.kind
            WHEN 'listing' THEN CASE
                WHEN listing_covered(c.stock_code, c.isin, i.last_seen) THEN 'reviewed'
                WHEN i.last_seen < (SELECT as_of FROM latest) THEN 'gone'
                ELSE 'awaiting review' END
            ELSE CASE
                WHEN NOT curated_listed(c.stock_code, (SELECT as_of FROM latest)) THEN 'reviewed'
                WHEN d.last_seen >= (SELECT as_of FROM latest) THEN 'back on the list'
                ELSE 'awaiting review' END
        END AS status
    FROM listing_candidate_log AS c
    LEFT JOIN intervals AS i ON c.kind = 'listing' AND i.stock_code = c.stock_code
        AND i.since = c.since
    LEFT JOIN seen AS d ON c.kind = 'delisting' AND d.stock_code = c.stock_code
        AND d.since = c.since
    LEFT JOIN bars AS b ON c.kind = 'listing' AND b.stock_code = c.stock_code
        AND b.since = c.since
)

SELECT kind, stock_code, since, short_name, isin, board, markers, proposed_tier, tier_basis,
       bars_from, first_session, first_session_source, last_seen, raised_on, run_id, status
FROM status
ORDER BY kind, stock_code, since;

COMMENT ON VIEW listing_candidates IS 'Candidate listings and delistings raised by the stored HKEX Lists of Securities (listing_candidate_log), with their review status. Candidates are not curated listings: they count in no definition, claim or IPO view until a person adds or closes the seed row.';
COMMENT ON COLUMN listing_candidates.kind IS 'listing (a code on a list no curated listing covered) or delisting (a curated listing missing from a list).';
COMMENT ON COLUMN listing_candidates.stock_code IS 'HKEX stock code.';
COMMENT ON COLUMN listing_candidates.since IS 'listing: the first stored list it was on; delisting: the curated listing''s listing_date.';
COMMENT ON COLUMN listing_candidates.short_name IS 'HKEX''s short name (listing) or the curated English name (delisting).';
COMMENT ON COLUMN listing_candidates.isin IS 'ISIN on the list (listings).';
COMMENT ON COLUMN listing_candidates.board IS 'Board from the list (listing) or the curated row (delisting).';
COMMENT ON COLUMN listing_candidates.markers IS 'Route markers in the name: B, P, S, W.';
COMMENT ON COLUMN listing_candidates.proposed_tier IS 'core for a B, P or W marker; unknown where the rule needs an industry no source gave (listings only).';
COMMENT ON COLUMN listing_candidates.tier_basis IS 'Why that tier, in words.';
COMMENT ON COLUMN listing_candidates.bars_from IS 'The first day whose bars belong to this candidate listing; the listed-universe refresh fetches its prices from here.';
COMMENT ON COLUMN listing_candidates.first_session IS 'The first session with stored bars on or after bars_from: the proposed listing date (the list holds none); the reviewed seed row carries the sourced date.';
COMMENT ON COLUMN listing_candidates.first_session_source IS 'The source whose bar gave first_session.';
COMMENT ON COLUMN listing_candidates.last_seen IS 'The last stored list the code was on (for a delisting: since its listing; NULL when no stored list held it).';
COMMENT ON COLUMN listing_candidates.raised_on IS 'The list date that raised it.';
COMMENT ON COLUMN listing_candidates.run_id IS 'The run that raised it.';
COMMENT ON COLUMN listing_candidates.status IS 'awaiting review; reviewed (the seeds now hold the listing, or have closed the delisted row); gone (a candidate listing no longer on the latest list before review: a temporary line or a withdrawn listing); back on the list (a delisting candidate listed again).';
