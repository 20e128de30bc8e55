"""IPO performance at research grade (issue 20): delistings in the returns, listing routes,
BHAR cohorts with bootstrap intervals and the computed new-economy IPO index, each number
checked against a hand computation on the bundled data or a copy altered for the case."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.fakes.common import query

KUAISHOU = ("01024", date(2021, 2, 5))


def _sessions(con, start: date, n: int) -> list[date]:
    return [d for (d,) in con.execute(
        "SELECT session FROM trading_sessions WHERE session >= ? ORDER BY session LIMIT ?",
        [start, n]).fetchall()]


def _closes(con, source: str) -> dict[date, float]:
    return dict(con.execute(
        "SELECT trade_date, coalesce(adj_close, close) FROM stock_prices WHERE stock_code = ? "
        "AND listing_date = ? AND source = ?", [*KUAISHOU, source]).fetchall())


def _index(con, symbol: str) -> dict[date, float]:
    return dict(con.execute("SELECT trade_date, close FROM prices WHERE symbol = ?",
                            [symbol]).fetchall())


# --- delistings ----------------------------------------------------------------------------

def test_a_delisting_inside_a_window_earns_the_benchmark_after_the_last_close(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    source = con.execute("SELECT series_source FROM ipo_performance WHERE stock_code = ? AND "
                         "listing_date = ?", list(KUAISHOU)).fetchall()[0][0]
    s = _sessions(con, KUAISHOU[1], 251)
    # delisted on session 100: its last traded close is session 99's
    con.execute("UPDATE new_economy_listings SET delisting_date = ? WHERE stock_code = ? AND "
                "listing_date = ?", [s[100], *KUAISHOU])
    con.execute("DELETE FROM stock_prices WHERE stock_code = ? AND listing_date = ? AND "
                "trade_date >= ?", [*KUAISHOU, s[100]])
    close, hsi, tech = _closes(con, source), _index(con, "^HSI"), _index(con, "HSTECH.HK")
    row = con.execute(
        "SELECT return_from_first_close_120s, excess_vs_hsi_120s, excess_vs_hstech_120s, "
        "return_from_first_close_listed_only_120s, excess_vs_hsi_listed_only_120s, "
        "return_from_first_close_60s, return_from_first_close_listed_only_60s, "
        "delisted_in_window, delisting_note FROM ipo_performance WHERE stock_code = ? AND "
        "listing_date = ?", list(KUAISHOU)).fetchall()[0]
    cohort = con.execute("SELECT n, n_listed_only FROM ipo_bhar WHERE cohort = 'year' AND "
                         "cohort_value = '2021' AND horizon = '120s' AND benchmark = '^HSI'"
                         ).fetchall()[0]
    con.close()
    stock = close[s[99]] / close[s[0]]
    sf_hsi = (stock * hsi[s[120]] / hsi[s[99]] - 1) * 100
    sf_tech = (stock * tech[s[120]] / tech[s[99]] - 1) * 100
    assert row[0] == pytest.approx(sf_hsi)
    assert row[1] == pytest.approx(sf_hsi - (hsi[s[120]] / hsi[s[0]] - 1) * 100)
    assert row[2] == pytest.approx(sf_tech - (tech[s[120]] / tech[s[0]] - 1) * 100)
    assert row[3] is None and row[4] is None  # the survivors-only reading drops it
    assert row[5] == row[6] == pytest.approx((close[s[60]] / close[s[0]] - 1) * 100)
    assert row[7] is True
    assert f"120s: delisted {s[100]}: its return to the last traded close" in row[8]
    assert f"on {s[99]}" in row[8] and "60s" not in row[8]
    # the cohort counts the delisted listing; the survivors-only reading would lose it
    assert cohort[0] == cohort[1] + 1


# --- route ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("markers", "sourced", "route"), [
    ("B", None, "18A"), ("BS", None, "18A"), ("P", None, "18C"), (None, "18C", "18C"),
    ("SW", None, "WVR"), ("W", "A+H", "WVR"), ("S", None, "secondary"), (None, "A+H", "A+H"),
    ("S", "A+H", "secondary"), (None, None, "conventional"), ("", "conventional", "conventional"),
])
def test_listing_route_takes_the_first_matching_rule(built, markers, sourced, route):
    assert query(built, "SELECT listing_route(?, ?)", [markers, sourced]) == [(route,)]


def test_route_and_board_are_dimensions_of_ipo_performance(built):
    rows = dict(query(built, "SELECT route, count(*) FROM ipo_performance GROUP BY ALL"))
    b = query(built, "SELECT count(*) FROM new_economy_listings WHERE contains(markers, 'B')")
    assert rows["18A"] == b[0][0]
    assert set(rows) <= {"18A", "18C", "WVR", "secondary", "A+H", "conventional"}


# --- BHAR cohorts --------------------------------------------------------------------------

def test_bhar_cells_match_a_hand_computation(built):
    con = duckdb.connect(str(built), read_only=True)
    rows = con.execute(
        "SELECT p.excess_vs_hsi_250s, p.return_from_first_close_250s, p.hsi_return_250s "
        "FROM ipo_performance AS p WHERE year(p.listing_date) = 2021 "
        "AND p.excess_vs_hsi_250s IS NOT NULL").fetchall()
    cell = con.execute("SELECT n, mean_bhar, median_bhar, wealth_relative, share_beating, "
                       "t_conventional, t_skew_adjusted FROM ipo_bhar WHERE cohort = 'year' AND "
                       "cohort_value = '2021' AND horizon = '250s' AND benchmark = '^HSI'"
                       ).fetchall()[0]
    con.close()
    bhar = [r[0] for r in rows]
    n = len(bhar)
    mean = sum(bhar) / n
    sd = (sum((b - mean) ** 2 for b in bhar) / (n - 1)) ** 0.5
    gamma = sum((b - mean) ** 3 for b in bhar) / (n * sd ** 3)
    s = mean / sd
    ordered = sorted(bhar)
    median = (ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2)
    wr = (1 + sum(r[1] for r in rows) / n / 100) / (1 + sum(r[2] for r in rows) / n / 100)
    assert cell[0] == n >= 10
    assert cell[1] == pytest.approx(mean) and cell[2] == pytest.approx(median)
    assert cell[3] == pytest.approx(wr)
    assert cell[4] == pytest.approx(100 * sum(b > 0 for b in bhar) / n)
    assert cell[5] == pytest.approx(n ** 0.5 * s)
    assert cell[6] == pytest.approx(n ** 0.5 * (s + s * s * gamma / 3 + gamma / (6 * n)))


def test_cells_below_the_minimum_show_n_only(built):
    rows = query(built, "SELECT n, mean_bhar, wealth_relative, t_skew_adjusted FROM ipo_bhar "
                        "WHERE n < bhar_min_n()")
    assert rows and all(r[0] > 0 and r[1:] == (None, None, None) for r in rows)
    assert query(built, "SELECT bhar_min_n()") == [(10,)]


def test_bootstrap_interval_with_a_fixed_seed_matches_a_hand_resampling():
    import numpy as np

    from hkpipe.ipo_stats import bootstrap_mean_interval

    values = [-40.0, -10.0, 5.0, 20.0, 90.0]
    low, high = bootstrap_mean_interval(values, seed=7, draws=400)
    # by hand: the same generator draws 400 resamples of 5 positions
    draws = np.random.default_rng(7).integers(0, 5, size=(400, 5))
    means = sorted(sum(values[i] for i in row) / 5 for row in draws)
    # numpy's default percentile interpolates linearly between order statistics
    def pct(q):
        pos = q / 100 * (len(means) - 1)
        lo = int(pos)
        return means[lo] + (means[min(lo + 1, len(means) - 1)] - means[lo]) * (pos - lo)
    assert (low, high) == pytest.approx((pct(2.5), pct(97.5)))
    assert low < sum(values) / 5 < high
    assert bootstrap_mean_interval(values, seed=7, draws=400) == (low, high)  # reproduces
    assert bootstrap_mean_interval([3.0] * 12) == (3.0, 3.0)  # no spread, no width


def test_bhar_table_has_intervals_for_every_year_with_enough_listings(built):
    from hkpipe.ipo_stats import bhar_table

    con = duckdb.connect(str(built), read_only=True)
    table = bhar_table(con)
    again = bhar_table(con)
    con.close()
    years = table[(table["cohort"] == "year") & (table["benchmark"] == "^HSI")
                  & (table["horizon"] == "250s")]
    shown = years[years["estimated"]]
    assert len(shown) >= 3
    assert shown["ci_low"].notna().all() and shown["wealth_relative"].notna().all()
    assert ((shown["ci_low"] <= shown["mean_bhar"]) & (shown["mean_bhar"] <= shown["ci_high"])
            ).all()
    assert years[~years["estimated"]]["ci_low"].isna().all()
    assert table["ci_low"].equals(again["ci_low"])  # a fixed seed: the same intervals


# --- the computed new-economy IPO index ----------------------------------------------------

def test_the_index_starts_at_1000_and_a_one_member_day_is_that_members_return(built):
    con = duckdb.connect(str(built), read_only=True)
    first = con.execute("SELECT trade_date, chained_level, joined, series FROM "
                        "new_economy_ipo_index ORDER BY trade_date LIMIT 2").fetchall()
    day1 = con.execute("SELECT members, members_traded, is_gap, level, chained_level, "
                       "index_return, hsi_level FROM new_economy_ipo_index "
                       "WHERE trade_date = ?", [first[1][0]]).fetchall()[0]
    code, source = con.execute(
        "SELECT stock_code, series_source FROM ipo_performance WHERE first_session = ? AND "
        "tier IN ('core', 'broad')", [first[0][0]]).fetchall()[0]
    close = dict(con.execute("SELECT trade_date, coalesce(adj_close, close) FROM stock_prices "
                             "WHERE stock_code = ? AND source = ?", [code, source]).fetchall())
    hsi = _index(con, "^HSI")
    n_members = con.execute("SELECT count(*) FROM new_economy_ipo_index WHERE members > 0"
                            ).fetchall()[0][0]
    con.close()
    (d0, level0, joined, series), (d1, *_) = first
    assert level0 == 1000 and joined == 1 and series.startswith("computed by hkpipe")
    r = close[d1] / close[d0] - 1  # Ping An Healthcare alone, its first full day
    assert day1[:4] == (1, 1, True, None)  # one member: below the minimum, a gap
    assert day1[4] == pytest.approx(1000 * (1 + r)) and day1[5] == pytest.approx(100 * r)
    assert day1[6] == pytest.approx(1000 * hsi[d1] / hsi[d0])
    assert n_members > 1000


def test_a_suspended_member_carries_its_last_close_and_is_flagged(built_settings):
    con = duckdb.connect(str(built_settings.warehouse))
    source = con.execute("SELECT series_source FROM ipo_performance WHERE stock_code = ? AND "
                         "listing_date = ?", list(KUAISHOU)).fetchall()[0][0]
    s = _sessions(con, KUAISHOU[1], 41)
    d_prev, day, resume = s[38], s[39], s[40]
    close = _closes(con, source)
    sql = ("SELECT trade_date, members, members_carried, index_return, carried_codes FROM "
           "new_economy_ipo_index WHERE trade_date IN (?, ?) ORDER BY trade_date")
    before = con.execute(sql, [day, resume]).fetchall()
    con.execute("DELETE FROM stock_prices WHERE stock_code = ? AND listing_date = ? AND "
                "source = ? AND trade_date = ?", [*KUAISHOU, source, day])
    after = con.execute(sql, [day, resume]).fetchall()
    con.close()
    n = before[0][1]
    assert after[0][1] == n and after[0][2] == before[0][2] + 1
    assert "01024" in after[0][4]
    # suspended: Kuaishou's return that day is 0 instead of its own
    r_day = close[day] / close[d_prev] - 1
    assert after[0][3] == pytest.approx(before[0][3] - 100 * r_day / n)
    # the day it trades again carries the whole move since its last close
    n2 = before[1][1]
    r_resume, r_two = close[resume] / close[day] - 1, close[resume] / close[d_prev] - 1
    assert after[1][3] == pytest.approx(before[1][3] + 100 * (r_two - r_resume) / n2)
