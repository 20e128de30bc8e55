"""The Yahoo path through yfinance's real parsing, with its HTTP answered by a fake Yahoo."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from hkpipe import jobs
from hkpipe.cli import main
from hkpipe.errors import InputError, SourceError
from hkpipe.ingest import plan as ingest_plan
from hkpipe.sources import yahoo
from hkpipe.warehouse import reads
from tests.fakes.common import AUGUST_DAY, SEEDS, checksums, query, retried_fetch, seeds_as_of
from tests.fakes.yahoo import (
    NOW,
    FakeYahoo,
    bars,
    dns_error,
    new_sessions,
    real_bars,
    refused_error,
    serve_normal,
    snapshot_rows,
    timeout_error,
)

fetch_retried = partial(retried_fetch, yahoo)


def august_seeds(settings) -> Path:
    """The seeds as they stood on AUGUST_DAY: NOW is in August 2026, before the curated
    listings end (2026-09-30), and a listing after "now" is refused as in the future."""
    return seeds_as_of(AUGUST_DAY, settings.warehouse.parent / "seeds_august")


@pytest.fixture
def fake(monkeypatch):
    return FakeYahoo().install(monkeypatch)


@pytest.fixture
def wh(built_settings):
    return replace(built_settings, now=NOW)


def test_refresh_stores_exactly_the_served_bars_under_hong_kong_dates(wh, fake):
    served = serve_normal(fake)
    outcome = jobs.refresh(wh, source="yahoo")
    hsi = next(r for r in outcome.loads if r.symbol == "^HSI")
    # Yahoo's observations are all new: 2026-08-24..28 and the re-served 2026-08-17..21. The
    # resolved rows of the re-served days take Yahoo's bars (it outranks the snapshot) and
    # keep the snapshot's HKEX turnover (Yahoo has none).
    assert (hsi.rows_inserted, hsi.rows_updated, hsi.rows_kept) == (10, 0, 0)
    kept = query(wh.warehouse, "SELECT turnover_hkd, volume FROM prices WHERE symbol = '^HSI' "
                 "AND trade_date = '2026-08-21'")
    assert kept == [(int(snapshot_rows("HSI.csv", "2026-08-21")[0]["volume"]), 1_000_000)]
    stored = query(wh.warehouse, "SELECT trade_date::VARCHAR, open, high, low, close, volume, "
                   "source FROM prices WHERE symbol = '^HSI' AND trade_date > '2026-08-21' "
                   "ORDER BY 1")
    assert [(d, o, h, lo, c, v) for d, o, h, lo, c, v, _ in stored] == \
        [r for r in served if r[0] > "2026-08-21"]
    assert {s for *_, s in stored} == {"yahoo"}
    runs = query(wh.warehouse, "SELECT symbol, rows_inserted FROM load_runs WHERE "
                 "source = 'yahoo' ORDER BY symbol")
    assert runs == [("HSTECH.HK", 5), ("^HSI", 10)]
    # the snapshot's own observations of the re-served days are kept beside Yahoo's
    assert query(wh.warehouse, "SELECT source, close FROM price_observations WHERE symbol = "
                 "'^HSI' AND trade_date = '2026-08-21' ORDER BY 1") == [
        ("snapshot", float(snapshot_rows("HSI.csv", "2026-08-21")[0]["close"])),
        ("yahoo", next(r[4] for r in served if r[0] == "2026-08-21"))]


def test_refresh_asks_from_a_few_sessions_before_the_last_stored_day(wh, fake):
    serve_normal(fake)
    plans, notes = ingest_plan.indexes(wh, jobs.read_seeds(wh.seeds_dir)["indexes"], ("yahoo",),
                                       last=reads.last_stored(wh.warehouse))
    got = {p.symbol: (p.start, p.end) for p in plans}
    assert got["^HSI"] == (date(2026, 8, 17), date(2026, 8, 28))
    assert got["HSTECH.HK"][0] == date(2024, 11, 7)
    assert any("HKEXT100" in n and "no Yahoo symbol, not refreshed from yahoo" in n
               for n in notes)


def test_revised_bars_are_updated_and_counted(wh, fake):
    serve_normal(fake)
    jobs.refresh(wh, source="yahoo")
    hsi = real_bars("HSI.csv", "2026-08-14") + new_sessions("2026-08-24", "2026-08-28",
                                                             25_300.0)
    revised = [r if r[0] != "2026-08-27" else (r[0], r[1], r[2], r[3], r[4] + 5.0, r[5])
               for r in hsi]
    fake.serve("^HSI", bars(revised))
    outcome = jobs.refresh(wh, source="yahoo")
    load = next(r for r in outcome.loads if r.symbol == "^HSI")
    assert (load.rows_inserted, load.rows_updated) == (0, 1)
    assert query(wh.warehouse, "SELECT close FROM prices WHERE symbol = '^HSI' AND "
                 "trade_date = '2026-08-27'")[0][0] == revised[-2][4]


def test_holiday_gap_is_expected_and_data_is_fresh(wh, fake):
    # 2026-10-01 (National Day) is no session: Yahoo serves no bar and nothing is missing.
    later = replace(wh, now="2026-10-02T10:00:00Z")
    hsi = real_bars("HSI.csv", "2026-08-14") + new_sessions("2026-08-24", "2026-10-02",
                                                             25_300.0)
    assert "2026-10-01" not in {r[0] for r in hsi}
    fake.serve("^HSI", bars(hsi))
    fake.serve("HSTECH.HK", bars(real_bars("HSTECH.csv", "2024-11-06")))
    jobs.refresh(later, source="yahoo")
    outcome = jobs.check(later, record=False)
    checks = {c.name: c for c in outcome.checks}
    assert checks["freshness:^HSI"].ok, checks["freshness:^HSI"].detail
    assert checks["gx:prices_sessions"].ok and checks["gx:prices"].ok
    # HSTECH.HK's last row came from Yahoo in 2024: stale, and check says so
    assert not checks["freshness:HSTECH.HK"].ok
    assert "STALE" in checks["freshness:HSTECH.HK"].detail


def test_stale_yahoo_data_fails_the_freshness_check(wh, fake):
    serve_normal(fake)
    jobs.refresh(wh, source="yahoo")
    assert {c.name: c.ok for c in jobs.check(wh, record=False).checks}["freshness:^HSI"]
    week_later = replace(wh, now="2026-09-04T10:00:00Z")
    fresh = {c.name: c for c in jobs.check(week_later, record=False).checks}
    assert not fresh["freshness:^HSI"].ok
    assert "5 session(s) behind" in fresh["freshness:^HSI"].detail


def test_snapshot_is_reported_with_its_as_of_date_not_failed(wh):
    fresh = {c.name: c for c in jobs.check(wh, record=False).checks}
    assert fresh["freshness:^HSI"].ok
    assert "as of 2026-08-21 (snapshot)" in fresh["freshness:^HSI"].detail


def test_bar_stamped_at_hong_kong_midnight_keeps_its_hong_kong_date(wh, fake):
    hsi = real_bars("HSI.csv", "2026-08-14") + new_sessions("2026-08-24", "2026-08-28",
                                                             25_300.0)
    # 00:00 HKT is 16:00 UTC the day before: a UTC conversion would shift every bar back.
    fake.serve("^HSI", bars(hsi), stamp_offset=pd.Timedelta(hours=-8))
    fake.serve("HSTECH.HK", bars(real_bars("HSTECH.csv", "2024-11-06")))
    jobs.refresh(wh, source="yahoo")
    days = [d for (d,) in query(wh.warehouse, "SELECT trade_date::VARCHAR FROM prices WHERE "
                                "symbol = '^HSI' AND source = 'yahoo' ORDER BY 1")]
    assert days[-5:] == ["2026-08-24", "2026-08-25", "2026-08-26", "2026-08-27", "2026-08-28"]


def test_rate_limit_then_success(wh, fake, monkeypatch):
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    serve_normal(fake)
    # yfinance re-asks once on any 4xx, so two 429s make one failed attempt of ours
    fake.fail("^HSI", ("status", 429, {"Retry-After": "7"}, b"Too Many Requests"),
              ("status", 429, {"Retry-After": "7"}, b"Too Many Requests"))
    outcome = jobs.refresh(wh, source="yahoo")
    assert next(r for r in outcome.loads if r.symbol == "^HSI").rows_inserted == 10
    assert 7.0 in waits  # Retry-After honoured


def test_rate_limit_without_retry_after_backs_off_exponentially(fake):
    waits = []
    fake.fail("^HSI", *[("status", 429, {}, b"Too Many Requests")] * 6)
    with pytest.raises(SourceError) as err:
        fetch_retried("^HSI", date(2026, 8, 20), date(2026, 8, 25), attempts=3, backoff=2,
                    sleep=waits.append)
    assert err.value.kind == "rate_limited"
    assert "after 3 attempts" in str(err.value)
    assert waits == [2, 4]


@pytest.mark.parametrize("fault,kind", [
    (("status", 503, {}, b"Service Unavailable"), "server_error"),
    (("raise", None), "timeout"),
])
def test_retryable_faults_are_retried_then_fail_clearly(fake, fault, kind):
    if fault[0] == "raise":
        fault = ("raise", timeout_error())
    fake.fail("^HSI", *[fault] * 6)
    waits = []
    with pytest.raises(SourceError) as err:
        fetch_retried("^HSI", date(2026, 8, 20), date(2026, 8, 25), attempts=2, backoff=1,
                    sleep=waits.append)
    assert err.value.kind == kind and waits == [1]


@pytest.mark.parametrize("fault,kind,text", [
    (("raise", "dns"), "unreachable", "DNS lookup failed"),
    (("raise", "refused"), "unreachable", "connection failed"),
    (("status", 200, {"Content-Type": "text/html"}, b"<html><body>Oops</body></html>"),
     "malformed", "not JSON"),
    (("status", 200, {"Content-Type": "application/json"}, b'{"chart": {"result": [{'),
     "malformed", "not JSON"),
])
def test_faults_that_are_not_retried(fake, fault, kind, text):
    if fault[0] == "raise":
        fault = ("raise", dns_error() if fault[1] == "dns" else refused_error())
    fake.fail("^HSI", *[fault] * 4)
    with pytest.raises(SourceError) as err:
        fetch_retried("^HSI", date(2026, 8, 20), date(2026, 8, 25), sleep=lambda s: None)
    assert err.value.kind == kind and text in str(err.value)
    assert "^HSI 2026-08-20..2026-08-25" in str(err.value)


def test_unknown_symbol_fails_the_whole_refresh_and_publishes_nothing(wh, fake, tmp_path):
    serve_normal(fake)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    idx = seeds / "indexes.csv"
    idx.write_text(idx.read_text().replace(",HSTECH.HK,.HSTECH,", ",NOPE.HK,.HSTECH,"))
    before = checksums(wh.warehouse)
    with pytest.raises(SourceError, match="unknown symbol") as err:
        jobs.refresh(replace(wh, seeds_dir=seeds), source="yahoo")
    assert err.value.kind == "unknown_symbol"
    assert checksums(wh.warehouse) == before  # ^HSI fetched fine, but nothing is published


def test_empty_answer_exits_nonzero_and_leaves_the_warehouse(wh, fake, capsys, monkeypatch):
    fake.serve("^HSI", bars(real_bars("HSI.csv", "2026-08-01")[:1]))  # nothing in the range
    fake.serve("HSTECH.HK", bars(real_bars("HSTECH.csv", "2024-11-06")))
    monkeypatch.setenv("HKPIPE_NOW", NOW)
    before = checksums(wh.warehouse)
    code = main(["refresh", "--source", "yahoo", "--warehouse", str(wh.warehouse)])
    err = capsys.readouterr().err
    assert code == 3
    assert "Yahoo returned no price bars" in err and "^HSI" in err
    assert checksums(wh.warehouse) == before


def test_all_nan_answer_is_an_error(fake):
    rows = [(d, None, None, None, None, 0) for d in ("2026-08-24", "2026-08-25")]
    fake.serve("^HSI", bars(rows))
    with pytest.raises(SourceError) as err:
        fetch_retried("^HSI", date(2026, 8, 24), date(2026, 8, 25), sleep=lambda s: None)
    assert err.value.kind == "empty"


def test_bars_in_the_future_are_rejected(fake):
    fake.serve("^HSI", bars(new_sessions("2026-08-24", "2026-08-31", 25_300.0)))
    frame = yahoo.download("^HSI", date(2026, 8, 24), date(2026, 8, 31), timeout=5)
    with pytest.raises(InputError, match="after today in Hong Kong"):
        yahoo.normalise(frame, "^HSI", date(2026, 8, 24), date(2026, 8, 31),
                        today=date(2026, 8, 28))


def test_run_auto_falls_back_to_the_snapshot_loudly_when_yahoo_is_unreachable(settings, fake,
                                                                             capsys):
    # no network: DNS fails for Yahoo, and HKEX (a closed port here) refuses the connection
    for symbol in ("^HSI", "HSTECH.HK"):
        fake.fail(symbol, *[("raise", dns_error())] * 4)
    code = main(["run", "--warehouse", str(settings.warehouse)])
    out = capsys.readouterr().out
    assert code == 0
    assert "a live source is unreachable" in out and "USING THE BUNDLED SNAPSHOT" in out
    assert "PRICES FROM: SNAPSHOT; data as of: HSTECH.HK 2024-11-13, ^HSI 2026-08-21" in out


def test_run_auto_does_not_hide_a_rate_limit(settings, fake, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    fake.fail("^HSI", *[("status", 429, {}, b"")] * 8)
    with pytest.raises(SourceError, match="rate limited"):
        jobs.run(replace(settings, now=NOW, seeds_dir=august_seeds(settings)))
    assert not settings.warehouse.exists()


def test_run_yahoo_takes_the_snapshot_then_yahoo_from_where_it_ends(settings, fake):
    serve_normal(fake)
    settings = replace(settings, seeds_dir=august_seeds(settings))
    outcome = jobs.run(replace(settings, now=NOW), source="yahoo")
    assert outcome.source_used == "yahoo"
    sources = dict(query(settings.warehouse, "SELECT source, count(*) FROM prices WHERE "
                         "symbol = '^HSI' GROUP BY 1"))
    assert sources["yahoo"] >= 5 and sources["snapshot"] > 9000
    # a later snapshot-only run never overwrites the rows Yahoo loaded
    again = jobs.run(settings, source="snapshot")
    kept = next(r for r in again.loads if r.symbol == "^HSI")
    assert kept.rows_updated == 0
    assert dict(query(settings.warehouse, "SELECT source, count(*) FROM prices WHERE "
                      "symbol = '^HSI' GROUP BY 1")) == sources


def test_import_prices_for_a_series_yahoo_lacks(built_settings, tmp_path, capsys):
    path = tmp_path / "hkex_tech100_export.csv"
    path.write_text("date,open,high,low,close\n"
                    "2025-12-10,8120.5,8150.0,8090.1,8129.0\n"
                    "2025-12-09,8100.0,8140.0,8080.0,8110.0\n")  # unsorted: sorted on load
    code = main(["import-prices", "--symbol", "HKEXT100", str(path), "--warehouse",
                 str(built_settings.warehouse)])
    assert code == 0, capsys.readouterr().err
    rows = query(built_settings.warehouse, "SELECT trade_date::VARCHAR, close, source FROM "
                 "prices WHERE symbol = 'HKEXT100' ORDER BY 1")
    assert rows == [("2025-12-09", 8110.0, "import:hkex_tech100_export.csv"),
                    ("2025-12-10", 8129.0, "import:hkex_tech100_export.csv")]
    coverage = query(built_settings.warehouse, "SELECT sessions FROM price_coverage WHERE "
                     "symbol = 'HKEXT100'")
    assert coverage == [(2,)]


def test_import_rejects_a_bad_symbol_and_duplicate_dates(built_settings, tmp_path, capsys):
    before = checksums(built_settings.warehouse)
    path = tmp_path / "x.csv"
    path.write_text("date,close\n2025-12-09,1\n2025-12-09,2\n")
    assert main(["import-prices", "--symbol", "HKEXT100", str(path), "--warehouse",
                 str(built_settings.warehouse)]) == 2
    assert "x.csv, line 2, field 'date'" in capsys.readouterr().err
    assert main(["import-prices", "--symbol", "DROP TABLE prices;", str(path), "--warehouse",
                 str(built_settings.warehouse)]) == 2
    assert "--symbol" in capsys.readouterr().err
    assert checksums(built_settings.warehouse) == before


def test_fetch_threads_open_yfinances_caches_one_at_a_time(fake, tmp_path, monkeypatch):
    """yfinance opens its SQLite caches on first use without a lock; fetch threads that first
    use them together failed with "database is locked". They are opened by one thread."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import yfinance as yf

    serve_normal(fake)
    for manager in (yf.cache._TzCacheManager, yf.cache._CookieCacheManager):
        monkeypatch.setattr(manager, "_tz_cache" if "Tz" in manager.__name__
                            else "_Cookie_cache", None)
    for db_manager in (yf.cache._TzDBManager, yf.cache._CookieDBManager, yf.cache._ISINDBManager):
        monkeypatch.setattr(db_manager, "_db", None)
    yf.cache.set_cache_location(str(tmp_path / "yf-cache"))  # a fresh, unopened folder
    monkeypatch.setattr(yahoo, "_CACHES_READY", threading.Event())
    inside, most = [0], [0]
    lock = threading.Lock()
    real = yf.cache._TzCache.initialise

    def slow_initialise(self):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.2)  # widen the window in which a second thread would enter
        try:
            return real(self)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(yf.cache._TzCache, "initialise", slow_initialise)
    start = threading.Barrier(4)

    def one(_):
        start.wait()
        return yahoo.fetch("^HSI", date(2026, 8, 20), date(2026, 8, 25))

    with ThreadPoolExecutor(4) as pool:
        frames = list(pool.map(one, range(4)))
    assert all(len(f) == 4 for f in frames)
    assert most[0] == 1
