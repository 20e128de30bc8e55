"""HKEX's market-data service as a source: the real parsing code against a stand-in on
127.0.0.1 that speaks the documented wire format (tests/fakes/hkex.py), serving the bundled
snapshot's real values. Also: observations, precedence and reconciliation across sources."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import partial

import pandas as pd
import pytest

from hkpipe import jobs
from hkpipe.cli import main
from hkpipe.errors import SourceError
from hkpipe.sources import hkex
from tests.fakes.common import SEEDS, checksums, query, retried_fetch
from tests.fakes.hkex import snapshot_bars, snapshot_service
from tests.fakes.yahoo import FakeYahoo, bars

NOW = "2026-08-21T10:00:00Z"  # Friday 18:00 in Hong Kong: the snapshot's last session closed
HSI_CSV, TECH_CSV = SEEDS / "prices" / "HSI.csv", SEEDS / "prices" / "HSTECH.csv"


fetch_retried = partial(retried_fetch, hkex)


@pytest.fixture
def service(monkeypatch):
    fake = snapshot_service(monkeypatch, NOW)
    yield fake
    fake.stop()


@pytest.fixture
def wh(august_settings, service):
    # NOW is in August 2026: the seeds as they stood then (tests/conftest.py)
    return replace(august_settings, now=NOW).with_source(
        "hkex", url=service.base_url, token_url=service.token_url, timeout=10.0)


def refresh(wh, *extra) -> tuple[int, str, str]:
    code = main(["refresh", "--source", "hkex", *extra, "--warehouse", str(wh.warehouse)])
    return code


def client(service, timeout=10.0) -> hkex.Client:
    return hkex.Client(service.base_url, service.token_url, timeout)


def test_refresh_stores_each_bar_on_the_hong_kong_date_served(wh, service, capsys):
    assert refresh(wh, "--full") == 0, capsys.readouterr().err
    # HKEXT100 at last: the base value, from HKEX, on its Hong Kong date
    assert query(wh.warehouse, "SELECT trade_date::VARCHAR, close, source FROM prices "
                               "WHERE symbol = 'HKEXT100'") == [("2020-12-31", 10000.0, "hkex")]
    assert query(wh.warehouse, "SELECT sessions FROM price_coverage "
                               "WHERE symbol = 'HKEXT100'") == [(1,)]
    # a bar stamped at midnight HKT (16:00 UTC the day before) keeps its Hong Kong date
    assert query(wh.warehouse, "SELECT close FROM price_observations WHERE symbol = '^HSI' "
                               "AND source = 'hkex' AND trade_date = '2026-01-02'") == [
        (26338.47,)]
    # every served bar, no padding row, comma-grouped turnover parsed
    served = snapshot_bars(HSI_CSV, "2016-01-01", volume_means="turnover")
    got = query(wh.warehouse, "SELECT count(*), sum(turnover_hkd) FROM price_observations "
                              "WHERE symbol = '^HSI' AND source = 'hkex'")
    assert got == [(len(served), int(served["turnover"].sum()))]
    # the exchange's data outranks the snapshot in the one resolved price
    assert query(wh.warehouse, "SELECT DISTINCT source FROM prices WHERE symbol = '^HSI' "
                               "AND trade_date >= '2016-01-04'") == [("hkex",)]


def test_the_token_is_read_from_the_page_and_sent_as_it_is(service):
    c = client(service)
    fetch_retried(c, ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21), today=date(2026, 8, 21))
    assert service.token_pages == 1
    assert service.chart_tokens == ["evLtsLsBNAUVTPxtGqVeG1%2BqK%2FhZc4%3D"]  # not decoded
    assert c.token != "Base64-AES-Encrypted-Token"  # the commented sample is skipped


def test_a_refused_token_is_fetched_afresh_once(wh, service, capsys):
    service.fail(".HSI", ("expire",))
    assert refresh(wh) == 0, capsys.readouterr().err
    assert service.token_pages == 2
    assert service.chart_tokens[-1].startswith("evLtsLsBNAUVTPxtGqVeG2")
    # HKEX answers with its whole history; every bar is kept as an observation
    served = len(snapshot_bars(HSI_CSV, "2016-01-01"))
    assert query(wh.warehouse, "SELECT count(*) FROM price_observations WHERE source = 'hkex' "
                               "AND symbol = '^HSI'") == [(served,)]


def test_an_html_error_page_on_every_call_exits_3_and_changes_nothing(wh, service, capsys):
    for ric in (".HSI", ".HSTECH", ".HKEXT100"):
        service.fail(ric, *[("html",)] * 2)
    before = checksums(wh.warehouse)
    assert refresh(wh) == 3
    assert "token refused again after fetching a fresh one" in capsys.readouterr().err
    assert checksums(wh.warehouse) == before


@pytest.mark.parametrize("fault,kind,text", [
    (("empty",), "empty", "no bars"),
    (("body", b'hkpipe({"data": {"responsecode": "000", "datalist": [[1,'), "malformed",
     "not JSONP"),
    (("body", b"hkpipe(not json)"), "malformed", "does not hold the documented JSON"),
    (("code", "020"), "rejected", "response code '020'"),
    (("status", 404, b"<html>Not found</html>"), "malformed", "HTTP 404"),
])
def test_failures_that_are_not_retried(service, fault, kind, text):
    service.fail(".HSI", fault, fault)
    with pytest.raises(SourceError) as err:
        fetch_retried(client(service), ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21),
                   sleep=lambda s: None)
    assert (err.value.kind, err.value.retryable) == (kind, False)
    assert text in str(err.value)


def test_server_errors_and_rate_limits_are_retried(service):
    waits = []
    service.fail(".HSI", ("status", 503, b"busy"), ("status", 429, b"slow down"))
    frame = fetch_retried(client(service), ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21),
                       backoff=2, sleep=waits.append)
    assert len(frame) == 5 and waits == [2, 4]
    service.fail(".HSI", *[("status", 502, b"bad gateway")] * 3)
    with pytest.raises(SourceError) as err:
        fetch_retried(client(service), ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21),
                   attempts=3, sleep=lambda s: None)
    assert err.value.kind == "server_error" and "after 3 attempts" in str(err.value)


def test_a_slow_service_times_out_and_a_closed_port_is_unreachable(service):
    service.delay = 1.0
    with pytest.raises(SourceError) as err:
        fetch_retried(client(service, timeout=0.3), ".HSI", "^HSI", date(2026, 8, 17),
                   date(2026, 8, 21), attempts=1)
    assert err.value.kind == "timeout" and err.value.retryable
    closed = hkex.Client("http://127.0.0.1:9/hkexwidget/data", "http://127.0.0.1:9/q", 5)
    with pytest.raises(SourceError) as err:
        fetch_retried(closed, ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21), attempts=1)
    assert err.value.kind == "unreachable"


@pytest.mark.parametrize("change,field,text", [
    ({"date": pd.Timestamp("2026-08-24")}, "date", "after today in Hong Kong (2026-08-21)"),
    ({"close": -1.0}, "close", "not a positive price"),
    ({"high": 100.0, "low": 200.0}, "high", "is below low"),
])
def test_bad_values_exit_2_naming_the_symbol_and_change_nothing(wh, service, capsys, change,
                                                                field, text):
    bad = snapshot_bars(HSI_CSV, "2026-08-17", volume_means="turnover")
    for column, value in change.items():
        bad.loc[bad.index[-1], column] = value
    service.serve(".HSI", bad)
    before = checksums(wh.warehouse)
    assert refresh(wh) == 2
    err = capsys.readouterr().err
    assert "hkex:.HSI (symbol ^HSI)" in err and f"field '{field}'" in err and text in err
    assert checksums(wh.warehouse) == before


def test_a_close_one_percent_off_fails_reconcile_naming_the_day(wh, service, capsys):
    served = snapshot_bars(HSI_CSV, "2026-08-10", volume_means="turnover")
    day = served["date"] == pd.Timestamp("2026-08-19")
    served.loc[day, ["high", "close"]] = served.loc[day, ["high", "close"]] * 1.01
    service.serve(".HSI", served)
    assert refresh(wh) == 0
    capsys.readouterr()
    assert main(["check", "--warehouse", str(wh.warehouse)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "reconcile:^HSI" in x)
    assert line.lstrip().startswith("FAIL")
    assert "2026-08-19 hkex 25750.02 vs snapshot 25495.07 (-0.990%)" in line
    assert query(wh.warehouse, "SELECT trade_date::VARCHAR, source_a, source_b, "
                               "round(diff_pct, 3) FROM source_disagreements "
                               "WHERE measure = 'close'") == [
        ("2026-08-19", "hkex", "snapshot", -0.99)]


def test_an_import_is_never_overwritten_and_rounding_noise_is_no_change(wh, service, tmp_path):
    # The analyst's row for 2026-08-19 stays the day's price after HKEX serves that day.
    export = tmp_path / "hsi_fix.csv"
    close = float(snapshot_bars(HSI_CSV, "2026-08-19")["close"].iloc[0])
    export.write_text(f"date,close\n2026-08-19,{close}\n")
    assert main(["import-prices", "--symbol", "^HSI", str(export), "--warehouse",
                 str(wh.warehouse)]) == 0
    assert refresh(wh) == 0
    assert query(wh.warehouse, "SELECT source FROM prices WHERE symbol = '^HSI' AND "
                               "trade_date = '2026-08-19'") == [("import:hsi_fix.csv",)]
    stamp = query(wh.warehouse, "SELECT loaded_at FROM price_observations WHERE symbol = "
                                "'^HSI' AND source = 'hkex' ORDER BY trade_date")
    # HKEX re-serves the same days with float noise (as Yahoo does): nothing changes
    noisy = snapshot_bars(HSI_CSV, "2016-01-01", volume_means="turnover")
    noisy[["open", "high", "low", "close"]] += 0.001
    service.serve(".HSI", noisy)
    outcome = jobs.refresh(wh, source="hkex")
    hsi = next(r for r in outcome.loads if r.symbol == "^HSI")
    assert (hsi.rows_updated, hsi.rows_unchanged) == (0, len(noisy))
    assert query(wh.warehouse, "SELECT loaded_at FROM price_observations WHERE symbol = "
                               "'^HSI' AND source = 'hkex' ORDER BY trade_date") == stamp


def test_live_tolerates_a_failing_source_only_where_the_other_covers_it(wh, service,
                                                                        monkeypatch):
    yahoo = FakeYahoo().install(monkeypatch)
    rows = [(r.date.strftime("%Y-%m-%d"), r.open, r.high, r.low, r.close, 1_000_000)
            for r in snapshot_bars(HSI_CSV, "2026-08-10").itertuples()]
    yahoo.serve("^HSI", bars(rows))
    yahoo.serve("HSTECH.HK", bars([(r.date.strftime("%Y-%m-%d"), r.open, r.high, r.low,
                                    r.close, 1_000) for r in
                                   snapshot_bars(TECH_CSV, "2024-11-01").itertuples()]))
    service.fail(".HSI", *[("html",)] * 2)  # HKEX refuses ^HSI; Yahoo serves every session
    outcome = jobs.refresh(wh, source="live")
    assert any("^HSI: HKEX failed" in n and "not needed" in n for n in outcome.notes)
    assert {(r.symbol, r.source) for r in outcome.loads} >= {("^HSI", "yahoo"),
                                                             ("HKEXT100", "hkex")}
    # HKEXT100 has no other source: when HKEX fails it, the refresh fails and publishes nothing
    service.fail(".HKEXT100", *[("html",)] * 2)
    before = checksums(wh.warehouse)
    with pytest.raises(SourceError, match=r"HKEX \.HKEXT100: token refused"):
        jobs.refresh(wh, source="live")
    assert checksums(wh.warehouse) == before


def test_tech_rally_claims_become_measurable_after_a_live_refresh(wh, service, capsys):
    # On the bundled data HSTECH has no 2025-12-31 or 2026-01-02 close: unverifiable.
    assert main(["check", "--warehouse", str(wh.warehouse)]) == 0
    capsys.readouterr()
    # Stand-in values for those two sessions (the bundled data has none): a rise of 2.00%,
    # less than the HSI's 2.76%.
    service.serve(".HSTECH", pd.DataFrame({
        "date": pd.to_datetime(["2025-12-31", "2026-01-02"]), "open": [None, None],
        "high": [None, None], "low": [None, None], "close": [5000.0, 5100.0],
        "volume": [None, None], "turnover": [None, None]}))
    assert refresh(wh) == 0
    capsys.readouterr()
    assert main(["check", "--json", "--no-record", "--warehouse", str(wh.warehouse)]) == 1
    doc = json.loads(capsys.readouterr().out)
    claim = next(c for c in doc["claims"]
                 if c["id"] == "hstech_first_session_2026_up_and_above_hsi")
    assert (claim["verdict"], claim["expected"], claim["changed"]) == ("fails", "unverifiable",
                                                                       True)
    assert claim["measured"] == pytest.approx(2.0)
    assert claim["measured_detail"] == ("HSTECH.HK closed 5100.00 on 2026-01-02 against "
                                        "5000.00 on 2025-12-31")


def test_token_page_variants_and_a_403_refusal(service):
    one_line = 'LabCI.getToken = function(){ /*x*/ //return "sample";\n return "abc%2B1"; };'
    assert hkex.parse_token(f"<script>{one_line}</script>", "page") == "abc%2B1"
    with pytest.raises(SourceError, match="no LabCI.getToken"):
        hkex.parse_token("<html>maintenance</html>", "page")
    # a refused token answered with HTTP 403 gets the same single retry with a fresh token
    service.fail(".HSI", ("status", 403, b"<html>Forbidden</html>"))
    frame = fetch_retried(client(service), ".HSI", "^HSI", date(2026, 8, 17), date(2026, 8, 21),
                       today=date(2026, 8, 21))
    assert len(frame) == 5 and service.token_pages == 2


def test_a_close_served_outside_its_own_range_is_kept_but_not_the_price(wh, service, capsys):
    # Only the close is 1% off, so it lies above the day's high: HKEX's bar is inconsistent.
    served = snapshot_bars(HSI_CSV, "2026-08-10", volume_means="turnover")
    day = served["date"] == pd.Timestamp("2026-08-19")
    served.loc[day, "close"] = (served.loc[day, "close"] * 1.01).round(2)
    service.serve(".HSI", served)
    assert refresh(wh) == 0, capsys.readouterr().err
    # kept as HKEX said it; the consistent snapshot bar stays the day's price
    assert query(wh.warehouse, "SELECT source, close FROM price_observations WHERE symbol = "
                               "'^HSI' AND trade_date = '2026-08-19' ORDER BY 1") == [
        ("hkex", 25750.02), ("snapshot", 25495.07)]
    assert query(wh.warehouse, "SELECT source FROM prices WHERE symbol = '^HSI' AND "
                               "trade_date IN ('2026-08-18', '2026-08-19') ORDER BY "
                               "trade_date") == [("hkex",), ("snapshot",)]
    capsys.readouterr()
    assert main(["check", "--warehouse", str(wh.warehouse)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "reconcile:^HSI" in x)
    assert "FAIL" in line and "2026-08-19 hkex 25750.02 vs snapshot 25495.07" in line
