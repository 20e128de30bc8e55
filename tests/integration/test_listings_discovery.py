"""Daily discovery of new listings: a List of Securities stand-in that adds two codes and drops
one curated listing gives two candidate listings and one candidate delisting; `check` warns
naming them; `listings propose --write` adds rows the loader accepts, which mark them reviewed;
the universe refresh plans the candidates' prices; a bad list changes nothing."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from hkpipe import jobs, proposals, seeds
from hkpipe.ingest.fetch import stock_rows
from hkpipe.ingest.plan import FetchPlan
from tests.fakes.common import SEEDS, make_settings, query
from tests.fakes.errors import file_bytes, no_build_files, one_line, run_cli
from tests.fakes.securities import FakeList, equity, listed_rows, workbook

DAY = date(2026, 10, 9)
NOW = "2026-10-09T18:00:00+08:00"
DROPPED = "09903"  # Iluvatar CoreX, a curated 2026 listing, missing from the stand-in
ADDED = [equity("02999", "NEWCO TECH-P", "KYG000000001"),
         equity("08999", "GEMCO", "KYG000000002", board="GEM")]


def stand_in(day: date = DAY) -> bytes:
    return workbook(sorted(listed_rows(SEEDS, day, drop={DROPPED}) + ADDED), day)


@pytest.fixture
def served(monkeypatch):
    fake = FakeList(stand_in()).start()
    monkeypatch.setenv("HKPIPE_HKEX_SECURITIES_URL", fake.url)
    monkeypatch.setenv("HKPIPE_NOW", NOW)
    yield fake
    fake.stop()


@pytest.fixture
def discovered(built, tmp_path, served):
    """A copy of the built warehouse and of the seeds, after one `refresh --listings`."""
    shutil.copytree(SEEDS, tmp_path / "seeds", ignore=shutil.ignore_patterns("stocks"))
    (tmp_path / "seeds" / "stocks").mkdir()
    for name in (SEEDS / "stocks").iterdir():  # the big price files are only read: linked
        (tmp_path / "seeds" / "stocks" / name.name).symlink_to(name)
    settings = make_settings(tmp_path, tmp_path / "seeds")
    shutil.copyfile(built, settings.warehouse)
    outcome = jobs.refresh_listings(settings)
    return settings, outcome


def candidates(settings) -> list[tuple]:
    return query(settings.warehouse, "SELECT kind, stock_code, proposed_tier, status "
                                     "FROM listing_candidates ORDER BY kind, stock_code")


def test_two_new_codes_and_one_missing_listing_are_the_candidates(discovered):
    settings, outcome = discovered
    assert candidates(settings) == [("delisting", DROPPED, None, "awaiting review"),
                                    ("listing", "02999", "core", "awaiting review"),
                                    ("listing", "08999", "unknown", "awaiting review")]
    assert [c["stock_code"] for c in outcome.discovery.pending] == ["02999", "08999", DROPPED]
    # Every stand-in row is an issuer but FAMEGLOW-10K 08588, a -10K twin line that the
    # baseline keeps and the filter drops (docs/sources.md); 02999 and 08999 are new.
    lines = listed_rows(SEEDS, DAY, drop={DROPPED})
    assert any(r[0] == "08588" and r[1].endswith("-10K") for r in lines)
    assert query(settings.warehouse, "SELECT as_of, issuers FROM securities_lists") == [
        (DAY, len(lines) - 1 + len(ADDED))]
    basis = query(settings.warehouse, "SELECT tier_basis, markers, board, bars_from "
                                      "FROM listing_candidates WHERE stock_code = '02999'")
    assert basis == [("route marker P in HKEX's short name: a new-economy listing route "
                      "(seeds/NEW_ECONOMY.md, core)", "P", "Main Board", date(2026, 1, 1))]


def test_check_warns_naming_the_candidates_and_never_fails(discovered):
    settings, _ = discovered
    outcome = jobs.check(settings, record=False)
    found = [c for c in outcome.checks if c.name == "listings:candidates"]
    assert len(found) == 1 and found[0].ok and found[0].warning
    assert "3 candidate(s) await review" in found[0].detail
    for code in ("02999 NEWCO TECH-P", "08999 GEMCO", f"delisting {DROPPED}"):
        assert code in found[0].detail


def test_the_same_list_again_adds_nothing(discovered):
    settings, _ = discovered
    again = jobs.refresh_listings(settings)
    assert not again.discovery.stored
    assert query(settings.warehouse, "SELECT count(*) FROM listing_candidate_log") == [(3,)]
    assert query(settings.warehouse, "SELECT count(*) FROM securities_lists") == [(1,)]


def test_the_next_day_extends_the_history_and_a_line_that_left_is_gone(discovered, served):
    settings, _ = discovered
    nxt = date(2026, 10, 12)
    served.content = workbook(sorted(listed_rows(SEEDS, nxt, drop={DROPPED}) + ADDED[:1]), nxt)
    import os
    os.environ["HKPIPE_NOW"] = "2026-10-12T18:00:00+08:00"
    jobs.refresh_listings(make_settings(settings.warehouse.parent, settings.seeds_dir))
    assert query(settings.warehouse, "SELECT first_seen, last_seen FROM listed_securities "
                                     "WHERE stock_code IN ('02999', '00001') ORDER BY 1") == [
        (DAY, nxt), (DAY, nxt)]
    assert candidates(settings)[2] == ("listing", "08999", "unknown", "gone")


def test_propose_write_adds_rows_the_loader_accepts_and_they_become_reviewed(discovered,
                                                                            capsys):
    settings, _ = discovered
    path = settings.seeds_dir / seeds.NEW_ECONOMY_LISTINGS.file
    before = path.read_text(encoding="utf-8").splitlines()
    proposal = proposals.propose(settings)
    assert [r["stock_code"] for r in proposal.added] == ["02999", "08999"]
    assert [r["tier"] for r in proposal.added] == ["core", "none"]
    assert all("awaits review" in r["basis"] for r in proposal.added)
    code, _ = run_cli(capsys, "listings", "propose", "--write", "--warehouse",
                      str(settings.warehouse), "--seeds-dir", str(settings.seeds_dir))
    assert code == 0
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 2
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    assert len(changed) == 1 and after[changed[0]].startswith(f"{DROPPED},")
    assert ",2026-10-09," in after[changed[0]] and "upper bound" in after[changed[0]]
    frame = seeds.read_seed(settings.seeds_dir, seeds.NEW_ECONOMY_LISTINGS,
                            today=settings.today())  # the loader accepts them
    assert {"02999", "08999"} <= set(frame["stock_code"])
    jobs.load_seeds(settings)
    assert [row[3] for row in candidates(settings)] == ["reviewed"] * 3


def test_the_universe_refresh_plans_candidates_from_their_own_first_day(discovered):
    settings, _ = discovered
    plans = [p for p in jobs.plan_universe(settings, "hkex") if p.candidate]
    assert sorted((p.stock_code, p.listing_date, p.start) for p in plans) == [
        ("02999", date(2026, 1, 1), date(2026, 1, 1)),
        ("08999", date(2026, 1, 1), date(2026, 1, 1))]
    curated = [p for p in jobs.plan_universe(settings, "hkex") if not p.candidate]
    assert curated and all(p.stock_code not in {"02999", "08999"} for p in curated)


def test_a_candidates_first_bars_are_stored_under_its_first_session():
    plan = FetchPlan("hkex", "02999", "2999.HK", date(2026, 1, 1), DAY, date(2026, 1, 1),
                     candidate=True)
    frame = pd.DataFrame({"trade_date": pd.to_datetime(["2026-10-07", "2026-10-08"]),
                          "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0,
                          "adj_close": None, "volume": 10.0})
    rows = stock_rows(frame, plan)
    assert set(rows["listing_date"]) == {date(2026, 10, 7)}
    curated = stock_rows(frame, FetchPlan("hkex", "02999", "2999.HK", date(2026, 1, 1), DAY,
                                          date(2026, 1, 1)))
    assert set(curated["listing_date"]) == {date(2026, 1, 1)}


@pytest.mark.parametrize(("content", "status", "says"), [
    (b"<html><body>maintenance</body></html>", 200, "an HTML page"),
    (workbook([], DAY), 200, "no Equity rows"),
    (workbook([equity("00001", "CKH")], date(2026, 10, 10)), 200, "after today"),
    (b"", 404, "HTTP 404"),
])
def test_a_bad_list_changes_nothing_and_says_so_in_one_line(built_settings, served, capsys,
                                                            content, status, says):
    served.content, served.status = content, status
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "refresh", "--listings", "--warehouse",
                        str(built_settings.warehouse))
    assert code == 3
    assert says in one_line(err)
    assert file_bytes(built_settings.warehouse) == before
    assert no_build_files(built_settings.warehouse)
