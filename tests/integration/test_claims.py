"""The claim ledger: each claim's SQL on small hand-made data, the verdicts on the bundled data,
the CI gate."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import duckdb
import pytest

from hkpipe import calendar, jobs, warehouse
from hkpipe.checks import claims
from tests.fakes.articles import write_ledger
from tests.fakes.cli import hkpipe_in_process as hkpipe  # the command, in this process
from tests.fakes.common import SEEDS, query

ARTICLE = "globaltimes-2026-01-04"
LEDGER = SEEDS / "articles" / ARTICLE / "claims.csv"


@pytest.fixture
def con():
    """An empty warehouse schema in memory, for hand-made rows."""
    c = duckdb.connect()
    warehouse.apply_schema(c)
    calendar.sync(c)  # first-day returns are measured over XHKG sessions
    yield c
    c.close()


def add_closes(con, symbol, rows):
    for day, close in rows:
        con.execute("INSERT INTO prices (symbol, trade_date, close, source, loaded_at) "
                    "VALUES (?, ?, ?, 'test', now()::TIMESTAMP)", [symbol, day, close])


def claim(query, params, comparison, rounded=None, measured="change"):
    return claims.Claim("c", "s", query, params, measured, comparison, rounded, "holds", "", 2)


def verdict(con, c):
    return claims.evaluate(con, [c])[0]


def test_first_day_change_uses_the_first_session_even_when_it_is_not_2_january(con):
    # 2022 opened on Monday 3 January; the previous session was Friday 31 December.
    add_closes(con, "X", [("2021-12-30", 100.0), ("2021-12-31", 100.0),
                          ("2022-01-03", 102.9), ("2022-01-04", 50.0)])
    r = verdict(con, claim("first_day_change", {"symbol": "X", "year": 2022}, "change > 2.8",
                           "change_1dp >= 2.8"))
    assert r.measured_value == pytest.approx(2.9)
    assert "2022-01-03" in r.measured_detail and "2021-12-31" in r.measured_detail
    assert (r.verdict, r.rounded_verdict) == ("holds", "holds")


def test_more_than_is_strict_and_the_rounded_reading_keeps_the_operator(con):
    add_closes(con, "X", [("2025-12-31", 100.0), ("2026-01-02", 102.76)])
    r = verdict(con, claim("first_day_change", {"symbol": "X", "year": 2026}, "change > 2.8",
                           "change_1dp > 2.8"))
    # 2.76 rounds to 2.8, and 2.8 is not more than 2.8: the rounded reading fails too
    assert (r.verdict, r.rounded_verdict) == ("fails", "fails")
    r = verdict(con, claim("first_day_change", {"symbol": "X", "year": 2026}, "change > 2.8",
                           "change_1dp = 2.8"))
    assert r.rounded_verdict == "holds"  # only the looser 'about 2.8' reading holds
    add_closes(con, "Y", [("2025-12-31", 100.0), ("2026-01-02", 102.8)])
    r = verdict(con, claim("first_day_change", {"symbol": "Y", "year": 2026}, "change > 2.8"))
    assert r.verdict == "fails"  # exactly 2.8 is not more than 2.8


def test_a_missing_session_makes_the_first_day_change_unverifiable(con):
    # The data lacks 2025-12-31 (the last session of 2025): comparing with 2025-12-30 would
    # measure two sessions, and a longer gap would make a multi-month "first day".
    add_closes(con, "X", [("2025-12-30", 100.0), ("2026-01-02", 103.0)])
    row = con.execute("SELECT trade_date::VARCHAR, prev_trade_date::VARCHAR, close, "
                      "prev_close, pct_change FROM first_trading_day_returns "
                      "WHERE symbol = 'X' AND year = 2026").fetchall()
    assert row == [("2026-01-02", "2025-12-31", 103.0, None, None)]
    r = verdict(con, claim("first_day_change", {"symbol": "X", "year": 2026}, "change > 2.8"))
    assert r.verdict == "unverifiable"
    assert r.measured_detail == ("X has no stored close on 2025-12-31, the last XHKG session "
                                 "of 2025")
    add_closes(con, "Y", [("2025-12-31", 100.0), ("2026-01-05", 103.0)])  # no 2026-01-02
    r = verdict(con, claim("first_day_change", {"symbol": "Y", "year": 2026}, "change > 2.8"))
    assert (r.verdict, r.measured_value) == ("unverifiable", None)
    assert "no stored close on 2026-01-02, the first XHKG session of 2026" in r.measured_detail


def best_since(con, symbol):
    return verdict(con, claim("best_start_since", {"symbol": symbol, "year": 2026,
                                                   "since": 2013},
                              "target > best_between and since >= target", measured="target"))


def year_rows(changes: dict[int, float]):
    """Closes on each year's first XHKG session and the previous year's last one."""
    rows = []
    for year, pct in changes.items():
        prev_last = calendar.sessions(f"{year - 1}-12-01", f"{year - 1}-12-31")[-1]
        first = calendar.sessions(f"{year}-01-01", f"{year}-01-31")[0]
        rows += [(f"{prev_last:%Y-%m-%d}", 100.0),
                 (f"{first:%Y-%m-%d}", 100.0 * (1 + pct / 100))]
    return sorted(rows)


def test_best_start_since_holds_with_a_tie_against_the_year_named(con):
    changes = {y: 1.0 for y in range(2013, 2027)}
    changes[2013] = 2.5
    changes[2026] = 2.5  # a tie with 2013: "best since 2013" still holds
    add_closes(con, "X", year_rows(changes))
    r = best_since(con, "X")
    assert r.verdict == "holds"
    assert r.measured_value == pytest.approx(2.5)


def test_best_start_since_fails_on_a_tie_between(con):
    changes = {y: 1.0 for y in range(2013, 2027)}
    changes[2013], changes[2026], changes[2019] = 3.0, 2.5, 2.5  # 2019 equals 2026
    add_closes(con, "X", year_rows(changes))
    assert best_since(con, "X").verdict == "fails"


def test_best_start_since_fails_when_the_year_named_was_lower(con):
    changes = {y: 1.0 for y in range(2013, 2027)}
    changes[2013], changes[2026] = 2.0, 2.5
    add_closes(con, "X", year_rows(changes))
    assert best_since(con, "X").verdict == "fails"


def test_best_start_since_is_unverifiable_with_a_year_missing(con):
    changes = {y: 1.0 for y in range(2013, 2027)}
    add_closes(con, "X", [r for r in year_rows(changes) if not r[0].startswith("2017")])
    assert best_since(con, "X").verdict == "unverifiable"


def test_event_claim_unverifiable_when_event_unknown(con):
    c = claim("event_date", {"event_id": "nope"}, "year = 2025 and month = 5", measured="month")
    assert verdict(con, c).verdict == "unverifiable"
    con.execute("INSERT INTO market_events VALUES ('e', 'launch', DATE '2025-05-06', NULL, "
                "NULL, 'src')")
    c = claim("event_date", {"event_id": "e"}, "year = 2025 and month = 5", measured="month")
    assert verdict(con, c).verdict == "holds"
    c = claim("event_date", {"event_id": "e"}, "year = 2025 and month = 6", measured="month")
    assert verdict(con, c).verdict == "fails"


def test_constituent_claim_unverifiable_without_a_list_and_measured_with_one(con):
    c = claim("index_constituents", {"symbol": "T"}, "companies = 100 and industries = 6",
              measured="companies")
    assert verdict(con, c).verdict == "unverifiable"
    for i in range(100):
        con.execute("INSERT INTO index_constituents VALUES ('T', ?, NULL, ?, DATE '2025-12-09',"
                    " 'src')", [f"{i:05d}", f"industry {i % 6}"])
    r = verdict(con, c)
    assert (r.verdict, r.measured_value) == ("holds", 100)


def test_measured_values_equal_an_independent_computation(built_settings):
    out = jobs.check(built_settings)
    got = {r.claim.id: r for r in out.claims}
    with open(SEEDS / "prices" / "HSI.csv", newline="") as fh:
        closes = {r["date"]: float(r["close"]) for r in csv.DictReader(fh)}
    change = (closes["2026-01-02"] / closes["2025-12-31"] - 1) * 100
    assert got["hsi_first_day_2026_gain_over_2_8pct"].measured_value == pytest.approx(change)
    assert got["hsi_first_day_2026_gain_over_2_8pct"].verdict == "fails"  # 2.76 is not > 2.8
    assert got["hsi_best_start_since_2013"].measured_value == pytest.approx(change)
    assert got["hsi_best_start_since_2013"].verdict == "holds"
    from tests.fakes.counts import CURATED_AT_2025_12_31
    assert got["new_economy_listings_over_400"].measured_value == CURATED_AT_2025_12_31["broad"]
    assert not [r.claim.id for r in out.claims if r.changed]
    assert out.ok


def test_check_records_one_row_per_claim_per_run_with_its_article(built_settings):
    from hkpipe import articles
    ledger = articles.all_claims(articles.read_all(SEEDS))
    before = query(built_settings.warehouse, "SELECT count(*) FROM claim_results")[0][0]
    jobs.check(built_settings)
    jobs.check(built_settings)
    rows = query(built_settings.warehouse, "SELECT run_id, list(article_id || '/' || claim_id)"
                 " FROM claim_results GROUP BY run_id")
    assert sum(len(keys) for _, keys in rows) == before + 2 * len(ledger)
    assert all(sorted(keys) == sorted(c.key for c in ledger) for _, keys in rows)


def test_each_claim_records_the_as_of_date_of_the_data_it_read(built_settings):
    run_id = jobs.check(built_settings).run_id
    as_of = {c: str(d) for c, d in query(
        built_settings.warehouse, "SELECT claim_id, prices_as_of FROM claim_results "
        "WHERE run_id = ?", [run_id])}
    assert as_of["hsi_first_day_2026_gain_over_2_8pct"] == "2026-08-21"  # ^HSI's last session
    assert as_of["new_economy_listings_over_400"] == "2025-12-31"  # the date counted at
    assert as_of["hkex_2019_04_30_new_economy_40"] == "2019-04-30"
    assert as_of["tech_channel_launched_may_2025"] == "None"  # market events carry no date


def test_check_exits_1_when_an_expected_verdict_is_edited(built_settings, tmp_path):
    def edit(rows):
        next(r for r in rows if r["id"] == "hsi_best_start_since_2013")["expected"] = "fails"
    seeds = write_ledger(tmp_path, edit)
    out = hkpipe("check", "--warehouse", str(built_settings.warehouse), "--seeds-dir",
                 str(seeds))
    assert out.returncode == 1, out.stdout + out.stderr
    assert ("CHANGED globaltimes-2026-01-04/hsi_best_start_since_2013: expected fails, now "
            "holds") in out.stdout
    doc = json.loads(hkpipe("check", "--json", "--no-record", "--warehouse",
                            str(built_settings.warehouse), "--seeds-dir", str(seeds)).stdout)
    changed = [c for c in doc["claims"] if c["changed"]]
    assert [c["id"] for c in changed] == ["hsi_best_start_since_2013"]
    assert set(changed[0]) >= {"article_id", "id", "statement", "measured", "verdict",
                               "expected", "changed", "data_as_of"}


def test_injected_bad_price_row_fails_the_suite_naming_the_expectation(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    # A close above the high on a Sunday: the loader would refuse it, so write it directly.
    con.execute("INSERT INTO prices VALUES ('^HSI', DATE '2026-08-23', 25000, 25100, 24900, "
                "25200, NULL, NULL, NULL, 'test', now()::TIMESTAMP)")
    con.close()
    out = hkpipe("check", "--no-record", "--warehouse", str(built_settings.warehouse))
    assert out.returncode == 1
    assert "FAIL  gx:prices" in out.stdout
    assert "expect_column_pair_values_a_to_be_greater_than_b [high >= close]" in out.stdout
    assert "expect_column_pair_values_to_be_equal [every day an XHKG session or documented]" \
        in out.stdout
    assert "2026-08-23" in out.stdout


def test_missing_session_fails_the_sessions_suite(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("DELETE FROM prices WHERE symbol = '^HSI' AND trade_date = DATE '2024-03-15'")
    con.close()
    out = jobs.check(replace(built_settings), record=False)
    failed = {c.name: c.detail for c in out.checks if not c.ok}
    assert "gx:prices_sessions" in failed
    assert "^HSI 2024-03-15" in failed["gx:prices_sessions"]


def test_undocumented_large_move_fails_but_documented_crash_days_pass(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    # A close-only row (no OHLC), so only the daily-change rule can catch a 20% jump.
    con.execute("UPDATE prices SET close = close * 1.2 WHERE symbol = '^HSI' "
                "AND trade_date = DATE '1987-03-16'")
    con.close()
    out = jobs.check(built_settings, record=False)
    failed = {c.name: c.detail for c in out.checks if not c.ok}
    assert set(failed) == {"gx:prices"}
    assert "[daily change within 10% unless documented]: 2 unexpected" in failed["gx:prices"]


def test_a_large_prices_table_is_validated_in_chunks_of_whole_symbols(built_settings,
                                                                     monkeypatch):
    from hkpipe.checks import quality
    monkeypatch.setattr(quality, "CHUNK_ROWS", 3000)  # ^HSI alone (9,782 rows) is one chunk
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("DELETE FROM dq_validations")  # make the check validate, not reuse
    con.close()
    out = {c.name: c for c in jobs.check(built_settings, record=False).checks}
    assert out["gx:prices"].ok
    assert "on 12209 rows (2 chunks)" in out["gx:prices"].detail
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("UPDATE prices SET close = high + 1 WHERE symbol = 'HSTECH.HK' "
                "AND trade_date = DATE '2024-11-13'")
    con.close()
    out = {c.name: c for c in jobs.check(built_settings, record=False).checks}
    assert not out["gx:prices"].ok
    assert "1 of 2 chunks failed" in out["gx:prices"].detail
    assert "HSTECH.HK 2024-11-13" in out["gx:prices"].detail
