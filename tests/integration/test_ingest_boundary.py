"""The ingest path's boundary (issue 22): bars on days the exchange did not trade are refused
where they enter, naming the days; a fetch is bounded by its wall-clock timeout even against
a server that trickles; the daily summary and the logs show partial failures and warnings."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from hkpipe.checks import CheckResult
from hkpipe.cli import main
from hkpipe.errors import SourceError
from hkpipe.report.summary import daily_summary
from hkpipe.settings import utc_now
from hkpipe.sources import hkex
from tests.fakes.common import checksums
from tests.fakes.hkex import FakeHKEX

NOW = "2026-08-25T10:00:00Z"  # Tuesday 18:00 in Hong Kong


def bar_frame(days: list[str], close: float = 18000.0) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), "open": close, "high": close + 10,
                         "low": close - 10, "close": close, "volume": None, "turnover": None})


@pytest.fixture
def service(monkeypatch):
    fake = FakeHKEX().start()
    for name, value in fake.env(timeout=2.0).items():
        monkeypatch.setenv(name, value)
    yield fake
    fake.stop()


def test_an_hkex_bar_on_a_documented_closure_day_is_refused_naming_the_day(
        built_settings, service, monkeypatch, capsys):
    # 2023-09-08 (black rainstorm): the calendar library lists it as a session; HKEX was
    # closed all day (expectations/xhkg_exceptions.csv)
    monkeypatch.setenv("HKPIPE_NOW", NOW)
    # HKEX answers with its whole history, all of which an index refresh keeps
    service.serve(".HSI", bar_frame(["2023-09-07", "2023-09-08", "2023-09-11", "2026-08-24"]))
    before = checksums(built_settings.warehouse)
    code = main(["refresh", "--source", "hkex", "--warehouse", str(built_settings.warehouse)])
    err = capsys.readouterr().err
    assert code == 2
    assert "did not trade: 2023-09-08" in err and "hkex:.HSI" in err
    assert len(err.strip().splitlines()) == 1
    assert checksums(built_settings.warehouse) == before


def test_a_trickling_server_is_cut_off_at_the_fetch_timeout(service):
    service.trickle = 0.25  # a byte every 0.25 s: every read arrives well within its timeout
    service.serve(".HSI", bar_frame(["2026-08-17", "2026-08-18", "2026-08-19"]))
    client = hkex.Client(service.base_url, service.token_url, timeout=2.0)
    try:
        with pytest.raises(SourceError) as err:
            hkex.fetch(client, ".HSI", "^HSI", None, date(2026, 8, 19),
                       today=date(2026, 8, 21))
    finally:
        client.close()
    assert err.value.kind == "timeout" and err.value.retryable
    sent, size = service.sent[-1]
    assert sent < size, "the whole answer arrived: the deadline did not cut the fetch off"


def summary_result(**changes) -> dict:
    result = {"ok": True, "run_id": "r1", "as_of": {"^HSI": "2026-08-28"},
              "loaded": ["^HSI from yahoo: 5 rows"],
              "checks": [CheckResult("freshness:^HSI", True, "fine").as_dict(),
                         CheckResult("gx:stock_moves", True, "1 of 1 failed: 00788",
                                     warning=True).as_dict()],
              "claims": [{"article_id": "a", "id": "c", "changed": False, "verdict": "holds",
                          "expected": "holds"}],
              "universe": {"wanted": 774, "fetched": 771,
                           "failed": ["00001 (0001.HK, listed 2020-01-02) from yahoo: "
                                      "not_found: 404"]}}
    return {**result, **changes}


def test_the_daily_summary_shows_coverage_each_failure_and_each_warning():
    text = daily_summary(summary_result(), "w.duckdb")
    assert "771 of 774 stocks fetched" in text
    assert "FAILED 00001 (0001.HK" in text
    assert "WARN **gx:stock_moves**" in text
    assert "every check passed" not in text
    assert "(1 with warnings)" in text.splitlines()[0]


def test_the_daily_summary_names_a_changed_claim_with_its_article():
    changed = [{"article_id": "globaltimes", "id": "hsi_up", "changed": True,
                "verdict": "fails", "expected": "holds"}]
    text = daily_summary(summary_result(ok=False, claims=changed), "w.duckdb")
    assert text.startswith("# hkpipe daily refresh: CHECKS FAILED")
    assert "claim **globaltimes/hsi_up** is now fails, expected holds" in text


def test_a_warning_is_printed_as_warn():
    assert CheckResult("x", True, "", warning=True).label == "WARN"
    assert CheckResult("x", False, "").label == "FAIL"
    assert CheckResult("x", True, "").label == "PASS"


def test_reconcile_stocks_counts_listing_days_not_vendor_pairs(built_settings):
    """Issue 22 item 12: with three vendors, a disagreeing day is in up to three pairs; the
    check counts it once and lists it once."""
    import duckdb

    from hkpipe.checks import sources as source_checks

    con = duckdb.connect(str(built_settings.warehouse))
    try:
        code, listing, day, prev = con.execute(
            "SELECT a.stock_code, a.listing_date, a.trade_date, "
            "       lag(a.trade_date) OVER (PARTITION BY a.stock_code ORDER BY a.trade_date) "
            "FROM stock_prices a JOIN stock_prices b USING (stock_code, listing_date, "
            "trade_date) WHERE a.source = 'snapshot:stooq' AND b.source = 'snapshot:yahoo' "
            "QUALIFY lag(a.trade_date) OVER (PARTITION BY a.stock_code ORDER BY a.trade_date) "
            "IS NOT NULL ORDER BY a.stock_code, a.trade_date LIMIT 1").fetchone()
        before = source_checks.reconcile_stocks(con)[0].detail
        # a third vendor whose return that day is 50 points off both bundled ones
        con.execute("INSERT INTO stock_prices SELECT stock_code, listing_date, trade_date, "
                    "open, high, low, CASE WHEN trade_date = ? THEN close * 1.5 ELSE close END,"
                    " NULL, volume, 'adjusted', 'yahoo', now()::TIMESTAMP FROM stock_prices "
                    "WHERE source = 'snapshot:stooq' AND stock_code = ? AND listing_date = ? "
                    "AND trade_date IN (?, ?)", [day, code, listing, prev, day])
        pairs = con.execute("SELECT count(*) FROM source_disagreements WHERE symbol = ? AND "
                            "trade_date = ?", [code, day]).fetchone()[0]
        after = source_checks.reconcile_stocks(con)[0].detail
    finally:
        con.close()
    assert pairs >= 2
    n_before = int(before.split(" of ")[0])
    assert after.startswith(f"{n_before + 1} of ")  # one more listing-day, not one per pair
    assert after.count(f"{code} {day}") == 1


def test_a_stored_stock_bar_on_a_closure_day_is_named_by_its_day(built_settings, capsys):
    """Issue 22 item 2: the stock_prices suite's failure names the days, not only a listing and
    a count (a row written before the boundary refused such bars)."""
    import duckdb

    con = duckdb.connect(str(built_settings.warehouse))
    code, listing = con.execute("SELECT stock_code, listing_date FROM stock_prices WHERE "
                                "trade_date = DATE '2023-09-07' LIMIT 1").fetchone()
    # loaded now: after the suite's last validation, so the incremental batch holds it
    con.execute("INSERT INTO stock_prices SELECT stock_code, listing_date, DATE '2023-09-08', "
                "open, high, low, close, adj_close, volume, price_basis, source, ? "
                "FROM stock_prices WHERE stock_code = ? AND listing_date = ? AND trade_date = "
                "DATE '2023-09-07'", [utc_now(), code, listing])
    con.close()
    assert main(["check", "--no-record", "--warehouse", str(built_settings.warehouse)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "gx:stock_prices" in x)
    assert line.lstrip().startswith("FAIL") and f"{code}" in line and "2023-09-08" in line
