"""IPO-level data (issue 11): offer facts, stock prices keyed by listing, the ipo_* views and
the stock quality suites, on the real bundled data and on copies altered one row at a time."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hkpipe import cli, jobs
from tests.fakes.common import SEEDS, make_settings, query

STOOQ = "stocks/stooq.csv.gz"


def copy_seeds(tmp: Path) -> Path:
    seeds = tmp / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def stock_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def write_stock_lines(path: Path, lines: list[str]) -> None:
    # the fastest compression: the same lines, written in 0.4 s instead of 3.7 s at level 9
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
        f.write("\n".join(lines) + "\n")


def line_of(lines: list[str], prefix: str) -> int:
    """1-based line number of the first line starting with ``prefix``."""
    return next(i for i, text in enumerate(lines, start=1) if text.startswith(prefix))


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys, settings, command, *args) -> tuple[int, str]:
    seeds = ["--seeds-dir", str(settings.seeds_dir)] if command == "run" else []
    code = cli.main([command, "--warehouse", str(settings.warehouse), *seeds, *args])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(scope="module")
def perf(built) -> dict[tuple[str, date], dict]:
    con = duckdb.connect(str(built), read_only=True)
    try:
        rel = con.sql("SELECT * FROM ipo_performance")
        cols = rel.columns
        return {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in rel.fetchall()}
    finally:
        con.close()


# --- loading -------------------------------------------------------------------------------

def test_bundled_stocks_are_loaded_with_identity_and_basis(built):
    rows = dict(query(built, "SELECT source || '/' || price_basis, count(*) FROM stock_prices "
                             "GROUP BY ALL"))
    assert rows.keys() == {"snapshot:yahoo/adjusted", "snapshot:stooq/adjusted",
                           "snapshot:stooq/unadjusted"}
    # every row belongs to a curated listing and lies inside its listing period
    assert query(built, """
        SELECT count(*) FROM stock_prices AS p
        LEFT JOIN new_economy_listings AS l USING (stock_code, listing_date)
        WHERE l.stock_code IS NULL OR p.trade_date < p.listing_date
           OR p.trade_date >= l.delisting_date""") == [(0,)]


def test_reused_codes_never_mix_two_issuers(built):
    assert query(built, "SELECT count(*) FROM (SELECT stock_code, trade_date FROM stock_prices "
                        "GROUP BY ALL HAVING count(DISTINCT listing_date) > 1)") == [(0,)]
    # 02718 was DONGZHENG AFC from 2019 until the code was reused on 2025-11-03; neither
    # vendor has either issuer, and the view says so for each listing separately
    notes = dict(query(built, "SELECT listing_date, coverage_note FROM ipo_performance "
                              "WHERE stock_code = '02718'"))
    assert notes[date(2025, 11, 3)].startswith("no stored prices: listed 2025-11-03, after")
    assert notes[date(2019, 4, 3)] == ("no stored prices: no vendor has prices for 02718 in "
                                       "this listing period")


def test_offers_seed_is_keyed_by_listing(built):
    assert query(built, "SELECT count(*) FROM ipo_offers AS o ANTI JOIN new_economy_listings "
                        "AS l USING (stock_code, listing_date)") == [(0,)]
    assert query(built, "SELECT offer_price FROM ipo_offers WHERE stock_code = '01024'") == [
        (115.0,)]


def test_unchanged_stock_files_are_not_reloaded(built_settings):
    before = query(built_settings.warehouse,
                   "SELECT source, min(loaded_at), count(*) FROM stock_prices GROUP BY ALL "
                   "ORDER BY source")
    outcome = jobs.run(built_settings, source="snapshot")
    assert any("unchanged" in n for n in outcome.notes)
    after = query(built_settings.warehouse,
                  "SELECT source, min(loaded_at), count(*) FROM stock_prices GROUP BY ALL "
                  "ORDER BY source")
    assert after == before


def test_a_changed_stock_file_replaces_its_source_only(tmp_path, built):
    seeds = copy_seeds(tmp_path)
    settings = make_settings(tmp_path, seeds)
    shutil.copyfile(built, settings.warehouse)  # what `run --source snapshot` built from them
    lines = stock_lines(seeds / STOOQ)
    n_before = dict(query(settings.warehouse, "SELECT source, count(*) FROM stock_prices "
                                              "GROUP BY ALL"))
    write_stock_lines(seeds / STOOQ, lines[:-1])  # drop the last row
    # the load `run` does (stock_prices.load_bundled), without the checks that follow it
    jobs.load_seeds(settings)
    n_after = dict(query(settings.warehouse, "SELECT source, count(*) FROM stock_prices "
                                             "GROUP BY ALL"))
    assert n_after["snapshot:stooq"] == n_before["snapshot:stooq"] - 1
    assert n_after["snapshot:yahoo"] == n_before["snapshot:yahoo"]


# --- bad input: exit 2, file, line and field named, nothing written --------------------------

def _break_and_run(capsys, tmp_path, built, edit) -> tuple[int, str, Path, int]:
    seeds = copy_seeds(tmp_path)
    settings = make_settings(tmp_path, seeds)
    shutil.copyfile(built, settings.warehouse)  # what `run --source snapshot` built from them
    before = file_checksum(settings.warehouse)
    lines = stock_lines(seeds / STOOQ)
    line = edit(lines)
    write_stock_lines(seeds / STOOQ, lines)
    code, out = run_cli(capsys, settings, "run", "--source", "snapshot")
    assert file_checksum(settings.warehouse) == before  # nothing published
    return code, out, seeds / STOOQ, line


def test_a_malformed_price_names_file_line_and_field(capsys, tmp_path, built):
    def edit(lines):
        n = line_of(lines, "01024,2021-02-05,2021-02-08,")
        fields = lines[n - 1].split(",")
        fields[6] = "3O0.4"  # close
        lines[n - 1] = ",".join(fields)
        return n

    code, out, path, line = _break_and_run(capsys, tmp_path, built, edit)
    assert code == 2
    assert str(path) in out and f"line {line}" in out and "close" in out
    assert "Could not convert string \"3O0.4\" to a number" in out


def test_a_price_before_the_listing_date_is_refused(capsys, tmp_path, built):
    def edit(lines):
        n = line_of(lines, "01024,2021-02-05,2021-02-05,")
        lines.insert(n - 1, lines[n - 1].replace("2021-02-05,2021-02-05,",
                                                 "2021-02-05,2021-02-04,"))
        return n

    code, out, path, line = _break_and_run(capsys, tmp_path, built, edit)
    assert code == 2
    assert f"line {line}" in out and "trade_date" in out
    assert "2021-02-04 is before the listing date 2021-02-05 of 01024" in out


def test_a_code_day_claimed_by_two_listings_is_refused(capsys, tmp_path, built):
    # 02718 was DONGZHENG AFC (listed 2019-04-03) until Mininglamp took the code on
    # 2025-11-03. Two rows for one day after the reuse, one under each listing (the bars are
    # Kuaishou's of a real day, re-dated and re-coded):
    def edit(lines):
        bar = lines[line_of(lines, "01024,2021-02-05,2021-02-08,") - 1].split(",")[3:]
        lines.append(",".join(["02718", "2019-04-03", "2025-11-05", *bar]))
        lines.append(",".join(["02718", "2025-11-03", "2025-11-05", *bar]))
        return len(lines) - 1

    code, out, _, line = _break_and_run(capsys, tmp_path, built, edit)
    assert code == 2
    assert f"line {line}" in out and "listing_date" in out
    assert "is claimed by the listings of 2019-04-03 and 2025-11-03" in out


def test_a_duplicate_stock_day_names_the_first_line(capsys, tmp_path, built):
    def edit(lines):
        n = line_of(lines, "01024,2021-02-05,2021-02-08,")
        lines.insert(n, lines[n - 1])
        return n + 1

    code, out, _, line = _break_and_run(capsys, tmp_path, built, edit)
    assert code == 2
    assert f"line {line}" in out and f"is already on line {line - 1}" in out


def test_a_bad_offer_row_names_file_line_and_field(capsys, tmp_path):
    seeds = copy_seeds(tmp_path)
    settings = make_settings(tmp_path, seeds)
    path = seeds / "ipo_offers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = line_of(lines, "01024,2021-02-05,")
    lines[n - 1] = lines[n - 1].replace(",115,", ",-115,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_cli(capsys, settings, "run", "--source", "snapshot")
    assert code == 2
    assert str(path) in out and f"line {n}" in out and "offer_price" in out
    assert not settings.warehouse.exists()


def test_an_offer_of_an_unknown_listing_is_refused(capsys, tmp_path):
    seeds = copy_seeds(tmp_path)
    settings = make_settings(tmp_path, seeds)
    path = seeds / "ipo_offers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = line_of(lines, "01024,2021-02-05,")
    lines[n - 1] = lines[n - 1].replace("01024,2021-02-05,", "01024,2021-02-04,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_cli(capsys, settings, "run", "--source", "snapshot")
    assert code == 2
    assert f"line {n}" in out and "no listing of 01024 on 2021-02-04" in out


# --- ipo_performance -----------------------------------------------------------------------

def test_debut_return_is_first_close_against_offer(perf):
    k = perf[("01024", date(2021, 2, 5))]  # Kuaishou: offer 115, first close 300 (Stooq)
    assert k["price_basis"] == "unadjusted" and k["first_close"] == 300.0
    assert k["debut_return"] == pytest.approx((300 / 115 - 1) * 100)


def test_debut_is_null_with_the_reason_where_the_close_cannot_be_trusted(perf):
    # HUAZHU's bundled first close 31.076 is off HKEX's 0.05 grid: scaled for a later split
    huazhu = perf[("01179", date(2020, 9, 22))]
    assert huazhu["debut_return"] is None and "spread table" in huazhu["debut_note"]
    # Zai Lab's 61.0 is on the grid but a ninth of the 562 offer: a later split
    zai = perf[("09688", date(2020, 9, 28))]
    assert zai["debut_return"] is None and "times the offer" in zai["debut_note"]
    # an adjusted-only first close (dividend-adjusted Stooq rows) is never a debut
    adjusted = [p for p in perf.values() if p["first_close"] is not None
                and p["price_basis"] == "adjusted" and p["offer_price"] is not None]
    assert adjusted and all(p["debut_return"] is None and "vendor-adjusted" in p["debut_note"]
                            for p in adjusted)
    # no offer row, no number
    no_offer = [p for p in perf.values() if p["offer_price"] is None]
    assert no_offer and all(p["debut_return"] is None for p in no_offer)


def test_horizons_count_xhkg_sessions_from_the_listing_session(built, perf):
    k = perf[("01024", date(2021, 2, 5))]
    sessions = [d for (d,) in query(built, "SELECT session FROM trading_sessions WHERE session "
                                           ">= DATE '2021-02-05' ORDER BY session LIMIT 501")]
    assert sessions[0] == k["first_session"]
    for n in (20, 60, 120, 250, 500):
        assert k[f"date_{n}s"] == sessions[n]
    close = dict(query(built, "SELECT trade_date, close FROM stock_prices WHERE stock_code = "
                              "'01024' AND source = ?", [k["series_source"]]))
    first = close[sessions[0]]
    assert k["return_from_first_close_120s"] == pytest.approx(
        (close[sessions[120]] / first - 1) * 100)
    # from the offer: debut chained with the return from the first close
    assert k["return_from_offer_120s"] == pytest.approx(
        ((1 + k["debut_return"] / 100) * (1 + k["return_from_first_close_120s"] / 100) - 1)
        * 100)
    hsi = dict(query(built, "SELECT trade_date, close FROM prices WHERE symbol = '^HSI'"))
    assert k["hsi_return_120s"] == pytest.approx((hsi[sessions[120]] / hsi[sessions[0]] - 1)
                                                 * 100)
    assert k["excess_vs_hsi_120s"] == pytest.approx(k["return_from_first_close_120s"]
                                                    - k["hsi_return_120s"])


def test_a_suspended_stock_uses_its_last_close_and_says_it_is_stale(built_settings):
    wh = built_settings.warehouse
    key = ("01024", date(2021, 2, 5))
    day = query(wh, "SELECT date_120s, series_source FROM ipo_performance WHERE stock_code = ? "
                    "AND listing_date = ?", list(key))[0]
    con = duckdb.connect(str(wh))
    con.execute("DELETE FROM stock_prices WHERE stock_code = ? AND listing_date = ? AND source "
                "= ? AND trade_date BETWEEN ? - INTERVAL 3 DAY AND ?", [*key, day[1], day[0],
                                                                       day[0]])
    last = con.execute("SELECT max(trade_date), arg_max(close, trade_date) FROM stock_prices "
                       "WHERE stock_code = ? AND source = ? AND trade_date <= ?",
                       ["01024", day[1], day[0]]).fetchall()[0]
    row = con.execute("SELECT close_date, close, stale, note FROM ipo_horizon_returns WHERE "
                      "stock_code = '01024' AND horizon = '120s'").fetchall()[0]
    con.close()
    assert row[0] == last[0] < day[0] and row[1] == last[1] and row[2] is True
    assert row[3].startswith("stale:")


def test_returns_beyond_the_data_or_across_an_unadjusted_jump_are_null(perf):
    # listed in 2025 after Stooq's set ends: no prices, and the reason is stated
    late = [p for p in perf.values() if p["coverage"] == "no prices: listed after the data ends"]
    assert late and all(p["return_from_first_close_20s"] is None and "ends" in p["coverage_note"]
                        for p in late)
    # China Tower (00788) moved +880% in Stooq's series on 2025-02-20 (a 10:1 consolidation);
    # the Yahoo series is the one used, and it was adjusted, so it has no jump
    tower = perf[("00788", date(2018, 8, 8))]
    assert tower["series_source"] == "snapshot:yahoo"
    assert tower["return_from_first_close_latest"] is not None


def test_enough_listings_have_returns_and_debuts(perf):
    early = [p for p in perf.values() if 2018 <= p["listing_date"].year <= 2022]
    assert sum(p["return_from_first_close_120s"] is not None for p in early) >= 100
    assert sum(p["debut_return"] is not None for p in early) >= 150


def test_cohorts_summarise_ipo_performance(built, perf):
    rows = query(built, "SELECT listing_year, listings, with_offer_price, debut_n, "
                        "median_debut_return, share_broke_issue FROM ipo_cohorts "
                        "WHERE tier = 'all' ORDER BY listing_year")
    by_year: dict[int, list[dict]] = {}
    for p in perf.values():
        by_year.setdefault(p["listing_date"].year, []).append(p)
    assert [r[0] for r in rows] == sorted(by_year)
    for year, listings, with_offer, debut_n, median, broke in rows:
        group = by_year[year]
        debuts = sorted(p["debut_return"] for p in group if p["debut_return"] is not None)
        assert listings == len(group)
        assert with_offer == sum(p["offer_price"] is not None for p in group)
        assert debut_n == len(debuts)
        if debuts:
            mid = len(debuts) // 2
            expected = debuts[mid] if len(debuts) % 2 else (debuts[mid - 1] + debuts[mid]) / 2
            assert median == pytest.approx(expected)
            assert broke == pytest.approx(100 * sum(d < 0 for d in debuts) / len(debuts))


# --- quality suites and reconciliation -----------------------------------------------------

def test_stock_suite_fails_on_a_price_that_breaks_a_rule(capsys, built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    # a Sunday row, stored after the last validation: not an XHKG session
    con.execute("INSERT INTO stock_prices SELECT stock_code, listing_date, DATE '2021-02-07', "
                "open, high, low, close, adj_close, volume, price_basis, source, "
                "loaded_at + INTERVAL 1 HOUR FROM stock_prices WHERE stock_code = '01024' AND "
                "trade_date = '2021-02-05' AND source = 'snapshot:stooq'")
    con.close()
    code, out = run_cli(capsys, built_settings, "check")
    assert code == 1
    line = next(x for x in out.splitlines() if "gx:stock_prices" in x)
    assert line.lstrip().startswith("FAIL") and "every date an XHKG session" in line
    assert "01024" in line
    # only the new row was validated; a failure keeps it in the next check's batch
    assert "rows loaded after" in line
    code, out = run_cli(capsys, built_settings, "check")
    assert code == 1 and "every date an XHKG session" in next(
        x for x in out.splitlines() if "gx:stock_prices" in x)


def test_stock_suite_validates_only_rows_loaded_since_it_last_passed(capsys, built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("UPDATE stock_prices SET loaded_at = loaded_at + INTERVAL 1 HOUR, close = "
                "close * 1.01 WHERE stock_code = '01024' AND source = 'snapshot:stooq' AND "
                "trade_date >= '2025-04-01'")
    changed = con.execute("SELECT count(*) FROM stock_prices WHERE stock_code = '01024' AND "
                          "source = 'snapshot:stooq' AND trade_date >= '2025-04-01'"
                          ).fetchall()[0][0]
    con.close()
    code, out = run_cli(capsys, built_settings, "check")
    line = next(x for x in out.splitlines() if "gx:stock_prices" in x)
    # one summary row: the one listing and source whose rows changed
    assert code == 0 and "passed on 1 rows; rows loaded after" in line
    assert changed > 1
    # a change to the listings the rules read re-validates every row
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("UPDATE new_economy_listings SET delisting_date = DATE '2026-01-05' WHERE "
                "stock_code = '01024'")
    con.close()
    code, out = run_cli(capsys, built_settings, "check")
    line = next(x for x in out.splitlines() if "gx:stock_prices" in x)
    assert "every stored row" in line


def test_large_daily_moves_are_warnings_not_failures_and_warn_once(capsys, settings):
    code, out = run_cli(capsys, settings, "run", "--source", "snapshot")
    assert code == 0
    line = next(x for x in out.splitlines() if "gx:stock_moves" in x)
    assert line.lstrip().startswith("WARN") and "00788" in line
    # issue 22 item 12: a move that was warned about does not warn again every day
    code, out = run_cli(capsys, settings, "check")
    line = next(x for x in out.splitlines() if "gx:stock_moves" in x)
    assert line.lstrip().startswith("PASS") and "00788" not in line, line
    assert "rows loaded after" in line


def test_vendor_disagreements_share_the_reconciliation_view(built):
    measures = dict(query(built, "SELECT measure, count(*) FROM source_disagreements "
                                 "GROUP BY ALL"))
    assert measures.get("daily_return", 0) > 0
    # China Tower's consolidation day: Yahoo adjusted it, Stooq did not
    assert query(built, "SELECT source_a, source_b FROM source_disagreements WHERE symbol = "
                        "'00788' AND trade_date = '2025-02-20'") == [("snapshot:stooq",
                                                                      "snapshot:yahoo")]


def test_overlapping_spread_bands_are_refused(capsys, tmp_path):
    seeds = copy_seeds(tmp_path)
    settings = make_settings(tmp_path, seeds)
    path = seeds / "hkex_spread_table.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # a second band over 0.50..10.00 in force before 2025-08-04
    lines.append(",2025-08-04,5.00,8.00,0.005,a band that overlaps the table's own")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_cli(capsys, settings, "run", "--source", "snapshot")
    assert code == 2
    assert f"line {len(lines)}" in out and "price_above" in out
    assert "overlaps the band on line 4" in out
