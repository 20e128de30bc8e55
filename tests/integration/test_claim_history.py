"""Verdict history (issue 24 part 2): every recorded verdict keeps the sha256 of the ledger that
judged it (migration 0012), and the view claim_history shows, per claim, each recorded check at
which its verdict or measured value changed, with its cause.

One history is made once for the module, on a copy of the built warehouse and of the seeds:
the build's run (every claim's first run), then a ledger edit, an import that brings new data,
and a revised import that changes a value without moving the data's as-of date, each followed
by a recorded check.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from hkpipe import jobs
from tests.fakes.common import SEEDS, make_settings, query

# one history fixture for the module, on one worker: loadgroup would otherwise build it on each
pytestmark = pytest.mark.xdist_group("claim-history")

GLOBALTIMES = "globaltimes-2026-01-04"
LEDGER = Path("articles") / GLOBALTIMES / "claims.csv"
EDITED = "new_economy_listings_over_400"  # 365 listed: fails 'broad > 400', holds 'broad > 300'
HSTECH = "hstech_first_session_2026_up_and_above_hsi"  # HSTECH's snapshot ends in 2024
HISTORY = ("SELECT claim_id, verdict, previous_verdict, measured, data_as_of, "
           "previous_data_as_of, ledger_sha256, previous_ledger_sha256, cause "
           "FROM claim_history WHERE cause <> 'first run' ORDER BY checked_at, claim_id")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_hstech(settings, folder: Path, new_year_close: float) -> None:
    """HSTECH's last session of 2025 and first of 2026, from an analyst's file."""
    path = folder / "hstech.csv"
    path.write_text(f"date,close\n2025-12-31,5500\n2026-01-02,{new_year_close}\n")
    jobs.import_prices(settings, "HSTECH.HK", path)


@pytest.fixture(scope="module")
def history(built, tmp_path_factory):
    """Settings on a warehouse whose history has a ledger edit, new data and a revision, and
    the changes each step added: {step: rows of HISTORY}. The checks record their verdicts
    without the ledgers' variant sweeps (claim_sweeps), which the history never reads."""
    root = tmp_path_factory.mktemp("history")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = dataclasses.replace(make_settings(root), seeds_dir=seeds)
    shutil.copyfile(built, settings.warehouse)
    steps = {"built": query(settings.warehouse, HISTORY)}

    ledger = seeds / LEDGER
    text = ledger.read_text(encoding="utf-8")
    assert text.count("broad > 400,") == 1
    ledger.write_text(text.replace("broad > 400,", "broad > 300,"), encoding="utf-8")
    jobs.check(settings, sweep=False)
    steps["ledger edited"] = query(settings.warehouse, HISTORY)

    import_hstech(settings, root, 5600)  # +1.82%, below the HSI's +2.76%: fails
    jobs.check(settings, sweep=False)
    steps["new data"] = query(settings.warehouse, HISTORY)

    import_hstech(settings, root, 5700)  # the file revised, +3.64%: holds; same as-of date
    jobs.check(settings, sweep=False)
    steps["revised"] = query(settings.warehouse, HISTORY)
    return settings, steps


def test_every_claim_has_its_first_run_and_a_recheck_adds_nothing_unchanged(history, built):
    settings, steps = history
    assert steps["built"] == []
    claims = query(built, "SELECT article_id, claim_id FROM claim_results ORDER BY ALL")
    firsts = query(settings.warehouse, "SELECT article_id, claim_id, run_id, previous_verdict, "
                                       "previous_ledger_sha256 FROM claim_history "
                                       "WHERE cause = 'first run' ORDER BY ALL")
    assert [f[:2] for f in firsts] == claims  # one first run per claim, nothing else
    [(built_run,)] = query(built, "SELECT DISTINCT run_id FROM claim_results")
    assert {f[2] for f in firsts} == {built_run}
    assert {f[3:] for f in firsts} == {(None, None)}
    # four recorded checks of every claim, three changes in all
    assert query(settings.warehouse, "SELECT count(DISTINCT run_id) FROM claim_results") == [
        (4,)]
    assert len(steps["revised"]) == 3


def test_an_edited_ledger_is_the_cause_of_the_verdict_it_changed(history):
    _, steps = history
    (row,) = steps["ledger edited"]  # the other claims of the edited ledger did not change
    claim, verdict, before, measured, as_of, as_of_before, sha, sha_before, cause = row
    assert (claim, before, verdict, cause) == (EDITED, "fails", "holds", "ledger edited")
    assert measured == 365 and as_of == as_of_before == date(2025, 12, 31)
    assert sha_before == sha256(SEEDS / LEDGER) and sha != sha_before
    assert sha == sha256(history[0].seeds_dir / LEDGER)


def test_imported_prices_are_new_data(history):
    _, steps = history
    assert steps["new data"][:1] == steps["ledger edited"]
    (row,) = steps["new data"][1:]
    claim, verdict, before, measured, as_of, as_of_before, sha, sha_before, cause = row
    assert (claim, before, cause) == (HSTECH, "unverifiable", "new data")
    assert verdict == "fails" and measured == pytest.approx(100 * (5600 / 5500 - 1), abs=1e-5)
    assert (as_of_before, as_of) == (date(2024, 11, 13), date(2026, 1, 2))
    assert sha == sha_before  # the ledger did not change since the previous check


def test_a_revised_value_that_moves_neither_ledger_nor_as_of_is_unexplained(history):
    _, steps = history
    (row,) = steps["revised"][2:]
    claim, verdict, before, measured, as_of, as_of_before, sha, sha_before, cause = row
    assert (claim, before, verdict, cause) == (HSTECH, "fails", "holds", "unexplained")
    assert measured == pytest.approx(100 * (5700 / 5500 - 1), abs=1e-5)
    assert as_of == as_of_before == date(2026, 1, 2) and sha == sha_before


def test_the_report_shows_each_changed_claims_timeline(history, tmp_path):
    settings, _ = history
    jobs.report(settings, tmp_path, data_docs=False)
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    section = text.split("### Verdict history", 2)[1].split("###", 1)[0]  # Global Times'
    assert "2 of 11 recorded claims changed after their first check" in section
    rows = [line.split(" | ")[2:] for line in section.splitlines()
            if line.startswith(f"| {EDITED} |") or line.startswith(f"| {HSTECH} |")
            or line.startswith("|  |")]
    assert rows == [["unverifiable", "n/a", "2024-11-13", "first run |"],  # by claim id
                    ["fails", "1.82", "2026-01-02", "new data |"],
                    ["holds", "3.64", "2026-01-02", "unexplained |"],
                    ["fails", "365", "2025-12-31", "first run |"],
                    ["holds", "365", "2025-12-31", "ledger edited |"]]
    assert "The other 9 have kept their first recorded verdict and measurement." in section
    official = text.split("### Verdict history", 2)[2].split("###", 1)[0]
    assert "All 16 recorded claims have kept their first recorded verdict" in official
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<td>ledger edited</td>" in html and "<td>unexplained</td>" in html


def record(con, run: str, at: str, *, verdict: str = "fails", measured: float | None = 1.0,
           as_of: str | None = "2026-01-02", sha: str | None = "a") -> None:
    con.execute("INSERT INTO claim_results (run_id, checked_at, command, prices_as_of, "
                "article_id, claim_id, statement, measured_item, measured, comparison, verdict, "
                "expected, changed, ledger_sha256) VALUES (?, ?, 'check', ?, 'made-up', 'c', "
                "'words', 'x', ?, 'x > 1', ?, 'fails', false, ?)",
                [run, datetime.fromisoformat(at), as_of, measured, verdict, sha])


def test_each_cause_from_what_moved_in_checked_at_order(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    try:
        # recorded out of order: the view orders a claim's checks by checked_at
        record(con, "r5", "2026-01-05", verdict="holds", measured=2.0, as_of="2026-01-09",
               sha="b")
        record(con, "r1", "2026-01-01", sha=None)  # before migration 0012
        record(con, "r2", "2026-01-02", measured=1.5)  # hash unknown before: cannot tell
        record(con, "r3", "2026-01-03", measured=1.5)  # nothing changed: no row
        record(con, "r4", "2026-01-04", measured=1.8, as_of="2026-01-08")  # new data
        record(con, "r6", "2026-01-06", verdict="fails", measured=2.0, as_of="2026-01-09",
               sha="c")
        record(con, "r7", "2026-01-07", verdict="fails", measured=3.0, as_of="2026-01-09",
               sha="c")
        rows = con.execute("SELECT run_id, previous_run_id, cause FROM claim_history "
                           "WHERE article_id = 'made-up'").fetchall()
    finally:
        con.close()
    assert rows == [("r1", None, "first run"), ("r2", "r1", "ledger not recorded"),
                    ("r4", "r3", "new data"), ("r5", "r4", "ledger edited and new data"),
                    ("r6", "r5", "ledger edited"), ("r7", "r6", "unexplained")]


def test_an_old_warehouse_upgrades_with_no_hash_for_its_old_verdicts(legacy):
    before = query(legacy.warehouse, "SELECT count(*) FROM claim_results")[0][0]
    jobs.migrate(legacy)
    assert query(legacy.warehouse, "SELECT count(*), count(ledger_sha256) FROM claim_results"
                 ) == [(before, 0)]
    assert query(legacy.warehouse, "SELECT comment FROM duckdb_columns() WHERE table_name = "
                 "'claim_results' AND column_name = 'ledger_sha256'")[0][0].endswith(
        "NULL: not recorded before migration 0012.")
    # its history reads: no change after a claim's first run can be blamed on its ledger
    causes = query(legacy.warehouse, "SELECT DISTINCT cause FROM claim_history ORDER BY 1")
    assert set(causes) <= {("first run",), ("ledger not recorded",)}
    assert ("first run",) in causes
