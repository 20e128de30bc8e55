"""The report's IPO section (issue 11, item 7): the cohort table, its two charts, the best and
worst ten listings by one-year excess over the HSI, and what the IPO data covers and lacks.

The report is rendered once from a warehouse built on the bundled data; every number it shows
is compared with the views (ipo_cohorts, ipo_performance) read here by the test's own SQL, not
by the report's queries."""

from __future__ import annotations

import base64
import decimal
import shutil

import duckdb
import pytest

from hkpipe import jobs, report, sqlfiles
from tests.fakes.common import make_settings, query

COHORT_HEADING = "### Cohorts by listing year and tier"
COHORT_COLUMNS = ["listing_year", "tier", "listings", "with_offer_price", "with_prices",
                  "without_prices", "without_prices_listed_after_data", "without_prices_gem",
                  "without_prices_no_vendor", "debut_n", "median_debut_return",
                  "mean_debut_return", "share_broke_issue", "return_250s_n",
                  "median_return_250s", "excess_250s_n", "median_excess_vs_hsi_250s",
                  "below_offer_n", "share_below_offer_now"]

# one worker runs the module, so the report is rendered once (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("ipo-report")


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory):
    """(warehouse, report) for the bundled data, the report rendered by `jobs.report`."""
    tmp = tmp_path_factory.mktemp("ipo_report")
    settings = make_settings(tmp)
    shutil.copyfile(built, settings.warehouse)
    _, rep = jobs.report(settings, tmp / "rep", data_docs=False)
    return settings.warehouse, rep


def shown(value, missing: str = "n/a") -> str:
    """A view value as the report's Markdown writes it."""
    if value is None:
        return missing
    if isinstance(value, decimal.Decimal):
        value = float(value)
    return report.fmt(value)


def md_table(md: str, heading: str, nth: int = 0) -> tuple[list[str], list[list[str]]]:
    """The ``nth`` Markdown table after ``heading``: its header and its rows, as text cells."""
    text = md.split(heading + "\n", 1)[1]
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip()[1:-1].split("|")])
        elif current:
            tables.append(current)
            current = []
        if line.startswith("## "):
            break
    header, _rule, *rows = tables[nth]
    return header, rows


def test_the_cohort_table_is_ipo_cohorts_row_for_row(rendered):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    header, rows = md_table(md, COHORT_HEADING)
    assert header == COHORT_COLUMNS
    view = query(warehouse, """
        SELECT listing_year, tier, listings, with_offer_price, with_prices, without_prices,
               without_prices_listed_after_data, without_prices_gem, without_prices_no_vendor,
               debut_n, median_debut_return, mean_debut_return, share_broke_issue,
               return_250s_n, median_return_250s, excess_250s_n, median_excess_vs_hsi_250s,
               below_offer_n,
               share_below_offer_now
        FROM ipo_cohorts ORDER BY listing_year, tier = 'all', tier""")
    assert len(view) > 8  # several years, each with its tiers and a total
    assert rows == [[shown(v) for v in row] for row in view]
    # a measure no listing of the group has is written as missing, never as a number
    assert any(row[COHORT_COLUMNS.index("median_return_250s")] == "n/a" for row in rows)
    html = rep.html.read_text()
    assert '<section id="ipo">' in html and "<th>median_excess_vs_hsi_250s</th>" in html


def test_years_without_a_measure_are_named(rendered):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    no_year = [y for (y,) in query(warehouse, "SELECT listing_year FROM ipo_cohorts WHERE "
                                              "tier = 'all' AND return_250s_n = 0")]
    assert no_year  # the bundled data ends before the newest cohort's 250th session
    assert (f"No listing of {', '.join(map(str, no_year))} has reached 250 sessions in the "
            "stored data") in md


@pytest.mark.parametrize("side, sign", [("Best", -1), ("Worst", 1)])
def test_best_and_worst_ten_by_one_year_excess(rendered, side, sign):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    header, rows = md_table(md, f"#### {side} 10")
    expected = query(warehouse, """
        SELECT stock_code, name_en, listing_date, tier, return_from_first_close_250s,
               hsi_return_250s, excess_vs_hsi_250s
        FROM ipo_performance WHERE excess_vs_hsi_250s IS NOT NULL
        ORDER BY ? * excess_vs_hsi_250s, listing_date, stock_code LIMIT 10""", [sign])
    assert len(expected) == len(rows) == 10
    columns = ["stock_code", "name_en", "listing_date", "tier", "return_from_first_close_250s",
               "hsi_return_250s", "excess_vs_hsi_250s"]
    picked = [[row[header.index(c)] for c in columns] for row in rows]
    assert picked == [[shown(v) for v in row] for row in expected]
    assert [row[header.index("rank")] for row in rows] == [str(i) for i in range(1, 11)]
    # the excess is the return from the first close minus the HSI's, in points
    for row in expected:
        assert row[6] == pytest.approx(row[4] - row[5])
    (measured,) = query(warehouse, "SELECT count(excess_vs_hsi_250s) FROM ipo_performance")[0]
    assert f"among the {measured} listings that have it" in md


def test_coverage_counts_add_up_to_every_listing(rendered):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    heading = "### What the IPO data covers and what it lacks"
    (listings, with_debut, with_excess), = query(
        warehouse, "SELECT count(*), count(debut_return), count(excess_vs_hsi_250s) "
                   "FROM ipo_performance")

    # price series per vendor and basis, as stored
    header, rows = md_table(md, heading, 0)
    stored = query(warehouse, "SELECT source, price_basis, count(*) FROM stock_prices "
                              "GROUP BY ALL ORDER BY 1, 2")
    assert [[r[header.index(c)] for c in ("source", "price_basis", "rows")] for r in rows] \
        == [[s, b, shown(n)] for s, b, n in stored]

    # listings by ipo_performance.coverage
    header, rows = md_table(md, heading, 1)
    coverage = dict(query(warehouse, "SELECT coverage, count(*) FROM ipo_performance "
                                     "GROUP BY coverage"))
    assert {r[0]: int(r[header.index("listings")]) for r in rows} == coverage
    assert sum(coverage.values()) == listings

    # debut_return: every listing in exactly one reason, the measured ones in the first
    header, rows = md_table(md, heading, 2)
    counts = [int(r[header.index("listings")]) for r in rows]
    assert sum(counts) == listings
    assert sum(int(r[header.index("with_debut_return")]) for r in rows) == with_debut
    assert rows[0][0].startswith("debut measured") and counts[0] == with_debut
    assert not [r[0] for r in rows if r[0].startswith("other")]  # every note's shape is named
    assert f"Debut return: {with_debut} of {listings} listings have one." in md

    # the one-year excess: known, or why not, for every listing
    header, rows = md_table(md, heading, 3)
    assert sum(int(r[1]) for r in rows) == listings
    assert sum(int(r[1]) for r in rows if r[0].startswith("known")) == with_excess
    assert f"{with_excess} of {listings} listings have one" in md


def test_both_charts_are_drawn_from_the_cohort_view(rendered, monkeypatch, tmp_path):
    warehouse, rep = rendered
    md, html = rep.markdown.read_text(), rep.html.read_text()
    for spec in report.IPO_CHARTS:
        png = rep.out_dir / "charts" / "ipo" / f"{spec['name']}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](charts/ipo/{spec['name']}.png)" in md
        assert base64.b64encode(png.read_bytes()).decode("ascii") in html  # reads offline

    # the bars' heights are the view's medians (a missing one is drawn at zero and labelled)
    import matplotlib
    import matplotlib.axes

    matplotlib.use("Agg")
    drawn = []
    real = matplotlib.axes.Axes.bar
    monkeypatch.setattr(matplotlib.axes.Axes, "bar", lambda self, x, height, *a, **k: (
        drawn.append((k.get("label"), list(height))) or real(self, x, height, *a, **k)))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(sqlfiles.query("report/_cache"))  # as report.build does: views read once
        debut, excess = report.IPO_CHARTS
        report.chart_grouped_bars(con, debut, tmp_path / "debut.png")
        drawn_debut = list(drawn)
        drawn.clear()
        report.chart_grouped_bars(con, excess, tmp_path / "excess.png")
    finally:
        con.close()
    # the view read once, by the test's own SQL: (year, tier) -> its two medians
    cohorts = {(y, t): (d, e) for y, t, d, e in query(
        warehouse, "SELECT listing_year, tier, median_debut_return, median_excess_vs_hsi_250s "
                   "FROM ipo_cohorts")}
    years = sorted({y for y, _ in cohorts})
    assert drawn_debut == [(None, [pytest.approx(cohorts[y, "all"][0] or 0) for y in years])]
    by_tier = {label: heights for label, heights in drawn}
    for tier, heights in by_tier.items():
        # every listing year is on the axis; a tier without listings in a year (new_consumer
        # in 2026) is drawn at 0 there
        medians = [cohorts.get((y, tier), (None, None))[1] for y in years]
        assert heights == [pytest.approx(m or 0) for m in medians], tier
    assert set(by_tier) == {t for _, t in cohorts}


def test_the_ranking_size_is_a_bound_parameter(built, monkeypatch, tmp_path):
    monkeypatch.setattr(report, "IPO_RANKED", 3)
    monkeypatch.setattr(report, "IPO_CHARTS", [])
    con = duckdb.connect(str(built), read_only=True)
    try:
        con.execute(sqlfiles.query("report/_cache"))  # as report.build does: views read once
        section = report._ipo_section(con, tmp_path, report.Report(tmp_path, tmp_path / "r.md",
                                                                   tmp_path / "r.html"))
    finally:
        con.close()
    assert len(section["best"]["rows"]) == len(section["worst"]["rows"]) == 3


# --- issue 20: BHAR with intervals, routes, delistings, the computed index ------------------

BHAR_HEADING = "### Buy-and-hold abnormal returns, delistings counted"


def test_the_bhar_year_table_is_ipo_bhar_with_intervals(rendered):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    header, rows = md_table(md, BHAR_HEADING, 0)
    view = query(warehouse, """
        SELECT cohort_value, benchmark, n, delisted_n, mean_bhar, median_bhar, wealth_relative,
               share_beating, t_skew_adjusted
        FROM ipo_bhar WHERE cohort IN ('all', 'year') AND horizon = '250s'
        ORDER BY cohort, cohort_value, benchmark""")
    columns = ["cohort_value", "benchmark", "n", "delisted_n", "mean_bhar", "median_bhar",
               "wealth_relative", "share_beating", "t_skew_adjusted"]
    assert [[r[header.index(c)] for c in columns] for r in rows] == [
        [shown(v) for v in row] for row in view]
    estimated = [r for r in rows if r[header.index("mean_bhar")] != "n/a"]
    assert len(estimated) >= 6  # each year with enough listings has an interval around its mean
    for r in estimated:
        low, mean, high = (float(r[header.index(c)]) for c in ("ci_low", "mean_bhar", "ci_high"))
        assert low <= mean <= high


def test_the_route_table_and_the_delistings_table_follow_the_views(rendered):
    warehouse, rep = rendered
    md = rep.markdown.read_text()
    header, rows = md_table(md, BHAR_HEADING, 1)
    assert header == ["route", "20s", "60s", "120s", "250s", "500s"]
    cells = {(r, h): (n, est) for r, h, n, est in query(
        warehouse, "SELECT cohort_value, horizon, n, estimated FROM ipo_bhar WHERE cohort = "
                   "'route' AND benchmark = '^HSI'")}
    for row in rows:
        for h, text in zip(header[1:], row[1:], strict=True):
            # a route with no listing at a horizon yet (2025's A+H at 120 sessions) has no cell
            n, est = cells.get((row[0], h), (0, False))
            assert text.endswith(f"n={n}") and (("[" in text) == est)
    header, rows = md_table(md, BHAR_HEADING, 2)
    lost = query(warehouse, "SELECT horizon, n - n_listed_only FROM ipo_bhar WHERE cohort = "
                            "'all' AND benchmark = '^HSI' ORDER BY horizon_order")
    assert [[r[0], r[header.index("lost_without_delistings")]] for r in rows] == [
        [h, shown(n)] for h, n in lost]
    assert "### What these figures are not" in md and "price indexes" in md


def test_the_index_chart_is_drawn_and_labelled_as_computed(rendered):
    warehouse, rep = rendered
    md, html = rep.markdown.read_text(), rep.html.read_text()
    png = rep.out_dir / "charts" / "ipo" / "new_economy_ipo_index.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](charts/ipo/new_economy_ipo_index.png)" in md
    assert base64.b64encode(png.read_bytes()).decode("ascii") in html
    (first, gaps, last), = query(warehouse, "SELECT min(trade_date), count(*) FILTER (WHERE "
                                            "is_gap), arg_max(level, trade_date) FROM "
                                            "new_economy_ipo_index")
    assert f"1,000 on its first day ({first})" in md and f"a gap ({gaps} of" in md
    assert f"the index stood at {shown(last)}" in md and "computed by hkpipe" in md


def test_the_demand_table_bands_every_listing_with_both_facts(rendered):
    """Debut by subscription band (issue 20 part 5): recounted here from ipo_demand and
    ipo_performance with the bands written out, Under-Sub. its own band, N per band."""
    warehouse, rep = rendered
    header, rows = md_table(rep.markdown.read_text(), "#### Demand against debut")
    assert header[:2] == ["public_subscription", "n"]
    pairs = query(warehouse, "SELECT d.public_subscription_multiple, d.subscription_note, "
                             "p.debut_return FROM ipo_performance AS p JOIN ipo_demand AS d "
                             "USING (stock_code, listing_date) WHERE p.debut_return IS NOT NULL")
    edges = [(15, "1-15x"), (50, "15-50x"), (100, "50-100x"), (1000, "100-1000x"),
             (float("inf"), "1000x and more")]
    counts: dict[str, list[float]] = {}
    for multiple, note, debut in pairs:
        if note == "Under-Sub.":
            band = "under-subscribed"
        elif multiple is None:
            continue  # no demand fact: not in the table
        else:
            band = "under-subscribed" if multiple < 1 else next(
                b for edge, b in edges if multiple < edge)
        counts.setdefault(band, []).append(debut)
    assert counts.get("under-subscribed")  # the flag is a band, not a blank
    order = ["under-subscribed"] + [b for _, b in edges]
    assert [r[:2] for r in rows] == [[b, shown(len(counts[b]))] for b in order if b in counts]
    ups = {b: round(100 * sum(d > 0 for d in v) / len(v)) for b, v in counts.items()}
    assert [r[header.index("pct_up_on_debut")] for r in rows] == [
        shown(float(ups[b])) for b in order if b in counts]
