-- A figure no source in the data gives (market value or turnover shares: the project holds no
-- market capitalisation or turnover by issuer). Its one item is NULL, so the claim is
-- unverifiable, and the detail says what is missing.
-- params: figure TEXT
-- Items: value (always NULL). as_of: NULL.
SELECT 'value' AS item, NULL::DOUBLE AS value,
       format('no source in the data gives {}', $figure) AS detail, NULL::DATE AS as_of
