"""One clock: every "today" and "now" comes from ``settings.clock`` and honours HKPIPE_NOW, so a
past day can be replayed end to end."""

from __future__ import annotations

from datetime import date

from hkpipe import calendar, jobs, sources
from hkpipe.checks import quality
from hkpipe.ingest import plan as ingest_plan
from hkpipe.settings import Settings
from hkpipe.warehouse import reads
from tests.fakes.cli import hkpipe_in_process as hkpipe  # the command, in this process
from tests.fakes.common import checksums, query, seeds_as_of

REPLAY_NOW = "2026-05-04T18:00:00+08:00"  # a Monday, after the Hong Kong close
REPLAY_DAY = "2026-05-04"
def test_gx_parameters_calendar_horizon_and_plan_follow_the_clock(monkeypatch, tmp_path):
    monkeypatch.setenv("HKPIPE_NOW", REPLAY_NOW)
    listings = next(b for b in quality.table_batches() if b.suite == "new_economy_listings")
    assert listings.parameters["today_yyyymmdd"] == 20260504
    assert calendar.last_completed_session() == date(2026, 5, 4)

    # The bundled sessions are used while they reach 60 days past "now"; far in the future
    # they do not, and the calendar is computed by the library instead.
    import duckdb

    from hkpipe import warehouse
    path = tmp_path / "w.duckdb"
    with warehouse.build(path) as con:
        calendar.sync(con)
    stored = duckdb.connect(str(path), read_only=True)
    key = stored.execute("SELECT value FROM pipeline_meta WHERE key = 'calendar'").fetchall()[0][0]
    stored.close()
    assert key.startswith("sessions bundled ")
    monkeypatch.setenv("HKPIPE_NOW", "2099-01-01T00:00:00Z")
    with warehouse.build(path) as con:
        assert calendar.sync(con)  # re-synced: the bundled copy no longer reaches far enough
    stored = duckdb.connect(str(path), read_only=True)
    key = stored.execute("SELECT value FROM pipeline_meta WHERE key = 'calendar'").fetchall()[0][0]
    stored.close()
    assert "computed 2099-01" in key


def test_refresh_plan_ends_at_the_last_session_before_hkpipe_now(monkeypatch, built_settings):
    monkeypatch.setenv("HKPIPE_NOW", "2026-05-04T12:00:00+08:00")  # before Monday's close
    settings = Settings.from_env(warehouse=built_settings.warehouse)
    registry = jobs.read_registry(settings)
    plans, _ = ingest_plan.indexes(settings, registry, sources.expand("live"),
                                   last=reads.last_stored(settings.warehouse))
    assert {p.end for p in plans} == {date(2026, 4, 30)}  # Friday 1 May is Labour Day


def test_import_of_a_row_after_hkpipe_now_exits_2_and_changes_nothing(built_settings, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("date,close\n2026-05-04,25000\n2026-06-01,25100\n")
    before = checksums(built_settings.warehouse)
    out = hkpipe("import-prices", "--symbol", "HKEXT100", str(export), "--warehouse",
                 str(built_settings.warehouse), env={"HKPIPE_NOW": REPLAY_NOW})
    assert out.returncode == 2, out.stderr
    assert "2026-06-01: is in the future (today in Hong Kong is 2026-05-04)" in out.stderr
    assert "line 3" in out.stderr
    assert checksums(built_settings.warehouse) == before
    # By the wall clock (November 2026 or later) the same row is in the past and loads.
    out = hkpipe("import-prices", "--symbol", "HKEXT100", str(export), "--warehouse",
                 str(built_settings.warehouse))
    assert out.returncode == 0, out.stderr


def test_replay_a_past_day_end_to_end(tmp_path):
    seeds = seeds_as_of(REPLAY_DAY, tmp_path / "seeds")
    wh = tmp_path / "replay.duckdb"
    env = {"HKPIPE_NOW": REPLAY_NOW, "HKPIPE_SEEDS": str(seeds)}
    out = hkpipe("run", "--source", "snapshot", "--warehouse", str(wh), env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"^HSI {REPLAY_DAY}" in out.stdout
    freshness = [line for line in out.stdout.splitlines() if "freshness:^HSI" in line]
    assert freshness and f"last completed XHKG session {REPLAY_DAY}" in freshness[0]
    # the price claims read data as of the replayed day, and no claim read anything later
    assert query(wh, "SELECT DISTINCT prices_as_of::VARCHAR FROM claim_results WHERE "
                     "claim_id IN ('hsi_first_day_2026_gain_over_2_8pct', "
                     "'hsi_best_start_since_2013')") == [(REPLAY_DAY,)]
    assert query(wh, "SELECT max(prices_as_of)::VARCHAR FROM claim_results") == [
        (REPLAY_DAY,)]

    # The next day's bar is still in the future on the replayed day.
    export = tmp_path / "next.csv"
    export.write_text("date,open,high,low,close\n2026-05-05,1,1,1,1\n")
    before = checksums(wh)
    out = hkpipe("import-prices", "--symbol", "^HSI", str(export), "--warehouse", str(wh),
                 env=env)
    assert out.returncode == 2 and "is in the future" in out.stderr
    assert checksums(wh) == before

    # The same check a day later in the replay: freshness moves with the clock.
    out = hkpipe("check", "--warehouse", str(wh),
                 env={**env, "HKPIPE_NOW": "2026-05-05T18:00:00+08:00"})
    assert "last completed XHKG session 2026-05-05" in out.stdout
