"""The Prefect flows on a real Prefect server (the session's ``prefect_server``, which
test_deployment.py shares), run in this process, with Yahoo faked."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from tests.fakes.common import PROJECT_ROOT, SEEDS, checksums, query
from tests.fakes.hkex import BASE, FakeHKEX, snapshot_bars
from tests.fakes.yahoo import NOW, FakeYahoo, serve_normal

# one worker runs this module and test_deployment.py, so one server serves both (--dist
# loadgroup)
pytestmark = pytest.mark.xdist_group("prefect-server")


@pytest.fixture(scope="module")
def prefect_api(prefect_server):
    """This process's Prefect clients (the flows', the tests') talk to the shared server."""
    with prefect_server.in_process():
        yield prefect_server


@pytest.fixture
def flows_module(prefect_api, monkeypatch):
    from flows import daily_refresh as module
    return module


def env_for(settings, monkeypatch):
    """The flow's environment at NOW (August 2026), on the seeds as they stood then: the
    curated listings run to 2026-09-30 (tests/conftest.py, august_settings)."""
    monkeypatch.setenv("HKPIPE_WAREHOUSE", str(settings.warehouse))
    monkeypatch.setenv("HKPIPE_SEEDS", str(settings.seeds_dir))
    monkeypatch.setenv("HKPIPE_NOW", NOW)
    monkeypatch.setenv("HKPIPE_REPORTS", str(settings.reports_dir))


def test_daily_refresh_flow_fetches_publishes_checks_and_reports(august_settings, flows_module,
                                                                 monkeypatch):
    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, tech_until="2026-08-28")
    env_for(august_settings, monkeypatch)
    # The stand-in HSTECH bars reach 2026-01-02, so the tech-rally claim becomes measurable,
    # its verdict changes, and the flow fails after publishing and reporting, naming it.
    with pytest.raises(Exception, match="published, but claim verdicts changed: "
                                        "globaltimes-2026-01-04/"
                                        "hstech_first_session_2026_up_and_above_hsi"):
        flows_module.daily_refresh(source="yahoo", universe=False, listings=False)
    loaded = query(august_settings.warehouse, "SELECT symbol, rows_inserted FROM load_runs "
                   "WHERE command = 'flow:daily_refresh' AND source = 'yahoo' ORDER BY 1")
    assert dict(loaded)["^HSI"] == 10
    assert query(august_settings.warehouse, "SELECT max(trade_date)::VARCHAR FROM prices "
                 "WHERE symbol = '^HSI'") == [("2026-08-28",)]
    assert (august_settings.reports_dir / "report.html").exists()


def artifacts_of(state) -> dict:
    """key -> artifact of the flow run that ended in ``state``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return {a.key: a for a in found}


def test_daily_flow_builds_once_reports_from_recorded_verdicts_and_publishes_artifacts(
        august_settings, flows_module, monkeypatch):
    from hkpipe import jobs, warehouse
    from hkpipe.checks import claims

    builds, evaluations = [], []
    real_build, real_evaluate = warehouse.build, claims.evaluate

    def counting_build(*args, **kwargs):
        builds.append(args[0])
        return real_build(*args, **kwargs)

    def counting_evaluate(*args, **kwargs):
        evaluations.append(1)
        return real_evaluate(*args, **kwargs)

    def no_recheck(*args, **kwargs):
        raise AssertionError("the daily flow must not run check again")

    monkeypatch.setattr(warehouse, "build", counting_build)
    monkeypatch.setattr(claims, "evaluate", counting_evaluate)
    monkeypatch.setattr(jobs, "check", no_recheck)
    env_for(august_settings, monkeypatch)
    state = flows_module.daily_refresh(source="snapshot", return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert len(builds) == 1 and len(evaluations) == 1
    assert result["ok"] and result["run_id"]
    report_md = august_settings.reports_dir / "report.md"
    assert result["report"] == str(report_md.resolve()) and report_md.exists()
    # The report shows the verdicts this run recorded.
    recorded = query(august_settings.warehouse, "SELECT claim_id, verdict FROM claim_results "
                     "WHERE run_id = ?", [result["run_id"]])
    assert len(recorded) == len(result["claims"]) > 0
    text = report_md.read_text()
    for claim_id, _ in recorded:
        assert claim_id in text

    artifacts = artifacts_of(state)
    table = artifacts["hkpipe-claim-verdicts"]
    assert table.type == "table"
    rows = yaml.safe_load(table.data) if isinstance(table.data, str) else table.data
    assert sorted((r["claim"], r["verdict"]) for r in rows) == sorted(recorded)
    summary = artifacts["hkpipe-daily-summary"]
    assert summary.type == "markdown"
    assert "^HSI: 2026-08-21" in summary.data  # as-of date of the bundled snapshot
    assert "^HSI from snapshot" in summary.data  # what changed
    assert str(report_md.resolve()) in summary.data


def test_a_failed_check_names_the_checks_in_the_flow_state(august_settings, flows_module,
                                                          monkeypatch):
    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, until="2026-08-26", tech_until="2026-08-26")  # two sessions short
    env_for(august_settings, monkeypatch)  # now: 2026-08-28, after the close
    state = flows_module.daily_refresh(write_report=False, source="yahoo", return_state=True,
                                       universe=False, listings=False)
    assert state.is_failed()
    failed = state.message.split("checks failed: ", 1)[1].split(";")[0].split(", ")
    assert sorted(failed) == ["freshness:HSTECH.HK", "freshness:^HSI"], state.message
    assert query(august_settings.warehouse, "SELECT max(trade_date)::VARCHAR FROM prices "
                 "WHERE symbol = '^HSI'") == [("2026-08-26",)]  # published all the same
    summary = artifacts_of(state)["hkpipe-daily-summary"]
    assert "FAILED **freshness:^HSI**" in summary.data


def test_failed_fetch_fails_the_flow_after_retries_and_publishes_nothing(
        august_settings, flows_module, monkeypatch):
    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake)
    fake.fail("HSTECH.HK", *[("status", 503, {}, b"unavailable")] * 20)
    env_for(august_settings, monkeypatch)
    # the flow retries by the library's one rule: HKPIPE_YAHOO_ATTEMPTS tries; no waiting
    monkeypatch.setenv("HKPIPE_YAHOO_ATTEMPTS", "4")
    from hkpipe.ingest import fetch as ingest_fetch
    monkeypatch.setattr(ingest_fetch, "BACKOFF", 0.0)
    before = checksums(august_settings.warehouse)
    with pytest.raises(Exception, match="server error HTTP 503"):
        flows_module.daily_refresh(write_report=False, source="yahoo", universe=False,
                                   listings=False)
    hstech_chart_calls = [c for c in fake.calls if c.endswith("/chart/HSTECH.HK")]
    assert len(hstech_chart_calls) >= 4 * 2  # 4 tries, each asked twice by yfinance
    assert checksums(august_settings.warehouse) == before


def test_backfill_flow_takes_a_date_range(august_settings, flows_module, monkeypatch):
    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, tech_until="2026-08-28")
    env_for(august_settings, monkeypatch)
    flows_module.backfill(start=date(2026, 8, 24), end=date(2026, 8, 26), source="yahoo")
    days = query(august_settings.warehouse, "SELECT trade_date::VARCHAR FROM prices WHERE "
                 "symbol = '^HSI' AND source = 'yahoo' ORDER BY 1")
    assert days == [("2026-08-24",), ("2026-08-25",), ("2026-08-26",)]


def test_live_flow_fetches_both_sources_with_one_hkex_token(august_settings, flows_module,
                                                            monkeypatch):
    yahoo = FakeYahoo().install(monkeypatch)
    serve_normal(yahoo, until="2026-08-21")
    service = FakeHKEX().start()
    try:
        for name, value in service.env().items():
            monkeypatch.setenv(name, value)
        service.serve(".HSI", snapshot_bars(SEEDS / "prices" / "HSI.csv", "2026-08-01",
                                            volume_means="turnover"))
        service.serve(".HSTECH", snapshot_bars(SEEDS / "prices" / "HSTECH.csv", "2024-11-01"))
        service.serve(".HKEXT100", BASE)
        service.fail(".HSI", *[("html",)] * 2)  # refused; Yahoo serves every ^HSI session
        env_for(august_settings, monkeypatch)
        monkeypatch.setenv("HKPIPE_NOW", "2026-08-21T10:00:00Z")
        # Published; then the check fails on what the sources lack: HSTECH after 2024-11-13
        # and HKEX Tech 100 after its base day are in neither stand-in.
        with pytest.raises(Exception, match="checks failed: freshness:HKEXT100, "
                                            "freshness:HSTECH.HK$"):
            flows_module.daily_refresh(write_report=False, universe=False, listings=False)
    finally:
        service.stop()
    # one token page for the run (three HKEX tasks), plus one fresh token for the refusal
    assert service.token_pages == 2
    sources = query(august_settings.warehouse, "SELECT source, symbol FROM price_observations "
                    "WHERE source IN ('hkex', 'yahoo') GROUP BY ALL ORDER BY ALL")
    assert sources == [("hkex", "HKEXT100"), ("hkex", "HSTECH.HK"), ("yahoo", "HSTECH.HK"),
                       ("yahoo", "^HSI")]


def test_daily_flow_refreshes_the_universe_after_the_indexes_in_rate_limited_batches(
        august_settings, flows_module, monkeypatch):
    from dataclasses import replace

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.concurrency import sync as prefect_sync

    from hkpipe import sources
    from hkpipe.ingest import plan as ingest_plan
    from tests.fakes.universe import five_sessions

    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, tech_until="2026-08-28")
    env_for(august_settings, monkeypatch)
    listings = ingest_plan.listed(replace(august_settings, now=NOW))
    mine = listings.head(60)
    failed = mine["stock_code"].iloc[7]
    for code in mine["stock_code"]:
        if code != failed:
            fake.serve(sources.stock_symbol(code), five_sessions(code))
    monkeypatch.setattr(ingest_plan, "listed", lambda s: mine)
    monkeypatch.setattr(flows_module, "UNIVERSE_BATCH", 20)
    monkeypatch.setattr(flows_module.PrefectRateLimit, "_all", {})
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(
            name="hkpipe-yahoo", limit=1000, slot_decay_per_second=1000.0))
    asked = []
    real = prefect_sync.rate_limit

    def spy(names, *args, **kwargs):
        asked.append(names)
        return real(names, *args, **kwargs)

    monkeypatch.setattr(prefect_sync, "rate_limit", spy)
    # the indexes publish with a changed tech-rally verdict (as in the first test); the
    # universe is refreshed all the same, and the flow then fails naming the verdict
    with pytest.raises(Exception, match="claim verdicts changed"):
        flows_module.daily_refresh(write_report=False, source="yahoo", listings=False)
    # every request under Prefect's global rate limit: the 60 stocks' and the 2 indexes'
    assert asked == ["hkpipe-yahoo"] * (60 + 2)
    assert not flows_module.PrefectRateLimit._all["yahoo"].missing
    assert query(august_settings.warehouse, "SELECT count(DISTINCT stock_code), count(*) FROM "
                 "stock_prices WHERE source = 'yahoo'") == [(59, 59 * 5)]
    assert query(august_settings.warehouse, "SELECT stock_code, reason, command FROM "
                 "load_failures") == [(failed, "not_found", "flow:daily_refresh")]
    # one build for the whole run: the stocks, their failures and the verdicts share its id
    runs = query(august_settings.warehouse, "SELECT DISTINCT run_id FROM load_failures UNION "
                 "SELECT DISTINCT run_id FROM load_runs WHERE command = 'flow:daily_refresh' "
                 "UNION SELECT DISTINCT run_id FROM claim_results WHERE command = "
                 "'flow:daily_refresh'")
    assert len(runs) == 1


def test_flow_tasks_carry_no_timeout_prefect_cannot_enforce(flows_module):
    """Issue 22 item 10: Prefect cannot interrupt blocking work in threads, so no task claims a
    timeout; each fetch is bounded where it runs (its source's wall-clock timeout)."""
    from prefect import Task

    tasks = [t for t in vars(flows_module).values() if isinstance(t, Task)]
    assert len(tasks) >= 8
    assert [t.name for t in tasks if t.timeout_seconds] == []


def test_pipeline_does_not_import_prefect():
    import subprocess
    import sys
    code = ("import sys, hkpipe.cli, hkpipe.jobs, hkpipe.checks.quality, "
            "hkpipe.sources.yahoo, hkpipe.report; "
            "print(sorted(m for m in ('prefect', 'yfinance', 'great_expectations') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
    for path in (PROJECT_ROOT / "hkpipe").rglob("*.py"):
        assert "prefect" not in path.read_text(), path


def test_daily_flow_without_a_global_rate_limit_uses_its_own(august_settings, flows_module,
                                                             monkeypatch):
    # The default deployment: no `hkpipe-yahoo` limit on the server. The fetch threads have
    # no Prefect run context, yet the universe is fetched under the in-process limit and the
    # batch task says so.
    from dataclasses import replace

    from hkpipe import sources
    from hkpipe.ingest import plan as ingest_plan
    from tests.fakes.universe import five_sessions

    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, tech_until="2026-08-28")
    env_for(august_settings, monkeypatch)
    mine = ingest_plan.listed(replace(august_settings, now=NOW)).head(12)
    for code in mine["stock_code"]:
        fake.serve(sources.stock_symbol(code), five_sessions(code))
    monkeypatch.setattr(ingest_plan, "listed", lambda s: mine)
    monkeypatch.setattr(flows_module.PrefectRateLimit, "_all", {})
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:  # another test may have created it
        try:
            client.delete_global_concurrency_limit_by_name("hkpipe-yahoo")
        except ObjectNotFound:
            pass
    with pytest.raises(Exception, match="claim verdicts changed"):
        flows_module.daily_refresh(write_report=False, source="yahoo", listings=False)
    limiter = flows_module.PrefectRateLimit._all["yahoo"]
    assert limiter.missing and limiter.told
    assert query(august_settings.warehouse, "SELECT count(DISTINCT stock_code) FROM stock_prices "
                 "WHERE source = 'yahoo'") == [(12,)]


def test_daily_refresh_discovers_a_new_listing_and_fetches_it_from_its_first_session(
        august_settings, flows_module, monkeypatch):
    """Issue 19: the flow stores today's List of Securities before it plans the universe, so
    a code first seen today is a candidate whose prices the same run fetches."""
    from dataclasses import replace

    from hkpipe import sources
    from hkpipe.ingest import plan as ingest_plan
    from tests.fakes.securities import FakeList, equity, listed_rows, workbook
    from tests.fakes.universe import five_sessions

    fake = FakeYahoo().install(monkeypatch)
    serve_normal(fake, tech_until="2026-08-28")
    env_for(august_settings, monkeypatch)
    mine = ingest_plan.listed(replace(august_settings, now=NOW)).head(3)
    for code in [*mine["stock_code"], "02999"]:
        fake.serve(sources.stock_symbol(code), five_sessions(code))
    monkeypatch.setattr(ingest_plan, "listed", lambda s: mine)
    day = date(2026, 8, 28)
    stand_in = FakeList(workbook(sorted(listed_rows(august_settings.seeds_dir, day)
                                        + [equity("02999", "NEWCO TECH-P", "KYG000000001")]),
                                 day)).start()
    monkeypatch.setenv("HKPIPE_HKEX_SECURITIES_URL", stand_in.url)
    try:
        with pytest.raises(Exception, match="claim verdicts changed"):  # as in the first test
            flows_module.daily_refresh(write_report=False, source="yahoo")
    finally:
        stand_in.stop()
    assert stand_in.requests == 1
    assert query(august_settings.warehouse, "SELECT stock_code, status, first_session, "
                 "first_session_source FROM listing_candidates WHERE kind = 'listing'") == [
        ("02999", "awaiting review", date(2026, 8, 24), "yahoo")]
    assert query(august_settings.warehouse, "SELECT listing_date, count(*) FROM stock_prices "
                 "WHERE stock_code = '02999' GROUP BY 1") == [(date(2026, 8, 24), 5)]
