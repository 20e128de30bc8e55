-- The date of the latest stored List of Securities (NULL when none is stored).
SELECT max(as_of) FROM securities_lists
