-- Per symbol: staged rows that did not become the day's price because a source of higher
-- precedence has that day (they stay in price_observations).
SELECT s.symbol, count(*) FILTER (WHERE p.source <> s.source) AS rows_kept
FROM stage_prices AS s
JOIN prices AS p USING (symbol, trade_date)
GROUP BY s.symbol
