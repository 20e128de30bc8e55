"""The universe refresh's pure parts: remote symbols, the rate limiter, merging the sources'
outcomes."""

from __future__ import annotations

import threading
from datetime import date

from hkpipe import sources
from hkpipe.ingest import fetch as ingest_fetch
from hkpipe.ingest import settle
from hkpipe.ingest.plan import FetchPlan


def test_remote_symbols_are_four_digits():
    assert sources.stock_symbol("00700") == "0700.HK"
    assert sources.stock_symbol("09988") == "9988.HK"
    assert sources.stock_symbol("01833") == "1833.HK"


def test_rate_limiter_spaces_requests_across_threads():
    now = [0.0]
    waits = []
    lock = threading.Lock()

    def sleep(seconds):
        with lock:
            waits.append(round(seconds, 6))

    limiter = ingest_fetch.RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [0.25, 0.5, 0.75, 1.0]  # the first goes at once
    unlimited = ingest_fetch.RateLimiter(0, sleep=sleep)
    unlimited.acquire()
    assert len(waits) == 4


def test_a_stock_one_source_served_is_fetched_and_the_other_failure_recorded():
    # With --source live, HKEX failing a stock Yahoo served is a recorded failed fetch, not a
    # failed stock: the share HKPIPE_MAX_STOCK_FAILURES bounds is of stocks no source served.
    day = date(2026, 8, 28)

    def plan(source, code):
        return FetchPlan(source, code, f"{code}.HK", day, day, date(2020, 1, 2))

    one = settle.UniverseResult(listings={("00001", date(2020, 1, 2)),
                                            ("00002", date(2020, 1, 2))},
                                  served={("00001", date(2020, 1, 2))})
    one.failures.append(settle.StockFailure(plan("hkex", "00001"), "not_found", "404", day))
    other = settle.UniverseResult(listings={("00002", date(2020, 1, 2))})
    other.failures.append(settle.StockFailure(plan("yahoo", "00002"), "empty", "none", day))
    merged = settle.merge([one, other])
    assert (merged.wanted, merged.fetched, merged.failed_share) == (2, 1, 0.5)
    assert merged.unserved == [("00002", date(2020, 1, 2))]
    assert "1 of 2 fetched, 1 failed (50.0%); 1 failed fetch(es) of stocks another source " \
           "served" in merged.coverage()
    error = str(settle.TooManyStockFailures(merged, 0.05))
    assert "1 of 2 stocks failed" in error and "00002 yahoo empty" in error
    assert "00001" not in error
