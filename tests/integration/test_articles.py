"""Claims as data: article folders, the ledger's safety rules, the official-counts ledger, and
the report that only reads them (the issue's "Checked by" scenarios among them)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from hkpipe import articles
from hkpipe.checks import claims
from tests.fakes.articles import (
    GT,
    OFFICIAL,
    copy_seeds,
    edit_ledger,
    new_article,
)
from tests.fakes.cli import hkpipe_in_process as hkpipe  # the command, in this process
from tests.fakes.common import SEEDS, checksums, query

# --- Checked by: a new article without code ----------------------------------------------

def test_a_new_article_is_checked_and_reported_without_code(built_settings, tmp_path):
    seeds = copy_seeds(tmp_path)
    new_article(seeds, "example-2026-02-01", ["hsi_best_start_since_2013",
                                              "new_economy_listings_over_400"])
    common = ["--warehouse", str(built_settings.warehouse), "--seeds-dir", str(seeds)]

    out = hkpipe("check", "--json", *common)
    assert out.returncode == 0, out.stdout + out.stderr
    mine = [c for c in json.loads(out.stdout)["claims"]
            if c["article_id"] == "example-2026-02-01"]
    assert {c["id"]: c["verdict"] for c in mine} == {
        "hsi_best_start_since_2013": "holds", "new_economy_listings_over_400": "fails"}
    assert all(not c["changed"] for c in mine)

    out = hkpipe("check", "--article", "example-2026-02-01", *common)
    assert out.returncode == 0, out.stdout + out.stderr
    recorded = query(built_settings.warehouse, "SELECT article_id, claim_id, verdict FROM "
                     "claim_results WHERE run_id = (SELECT arg_max(run_id, checked_at) FROM "
                     "claim_results) ORDER BY claim_id")
    assert recorded == [("example-2026-02-01", "hsi_best_start_since_2013", "holds"),
                        ("example-2026-02-01", "new_economy_listings_over_400", "fails")]

    out = hkpipe("report", "--no-data-docs", "--out", str(tmp_path / "rep"), *common)
    assert out.returncode == 0, out.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    section = md.split("`example-2026-02-01`", 1)[1].split("\n## ", 1)[0]
    assert "hsi_best_start_since_2013" in section and "new_economy_listings_over_400" in section
    assert "| tech_channel_launched_may_2025 |" not in section  # cut from its ledger
    assert "not in this ledger: tech_channel_launched_may_2025" in section  # its passage
    # its charts come from its own metadata, drawn into its own folder
    assert (tmp_path / "rep" / "charts" / "example-2026-02-01" / "hsi_first_day_change.png"
            ).read_bytes()[:4] == b"\x89PNG"
    html = (tmp_path / "rep" / "report.html").read_text()
    assert 'id="example-2026-02-01"' in html


def test_check_article_checks_only_that_article(built_settings):
    out = hkpipe("check", "--json", "--no-record", "--article", OFFICIAL,
                 "--warehouse", str(built_settings.warehouse))
    assert out.returncode == 0, out.stderr
    assert {c["article_id"] for c in json.loads(out.stdout)["claims"]} == {OFFICIAL}
    out = hkpipe("check", "--article", "no-such-article", "--warehouse",
                 str(built_settings.warehouse))
    assert out.returncode == 2
    assert "no article 'no-such-article'" in out.stderr and GT in out.stderr


# --- Checked by: ledger escape refused -----------------------------------------------------

def check_refuses(settings, tmp_path, article: str, row: int, field: str, value: str) -> str:
    """Set one ledger cell, run `check`: it must exit 2 and leave the warehouse as it was."""
    seeds = copy_seeds(tmp_path)

    def edit(rows):
        rows[row][field] = value
    edit_ledger(seeds, article, edit)
    before = checksums(settings.warehouse)
    out = hkpipe("check", "--warehouse", str(settings.warehouse), "--seeds-dir", str(seeds))
    assert out.returncode == 2, out.stdout
    assert checksums(settings.warehouse) == before
    return out.stderr


def test_a_ledger_row_escaping_sql_claims_is_refused_and_changes_nothing(built_settings,
                                                                        tmp_path):
    err = check_refuses(built_settings, tmp_path, GT, 3, "query", "../load/prices_update")
    assert f"articles/{GT}/claims.csv, line 5, field 'query'" in err


# --- the comparison grammar ------------------------------------------------------------------


def test_a_malformed_comparison_in_a_ledger_exits_2_naming_file_line_field(built_settings,
                                                                         tmp_path):
    err = check_refuses(built_settings, tmp_path, OFFICIAL, 2, "comparison",
                        "count > __import__('os').getpid()")
    assert f"articles/{OFFICIAL}/claims.csv, line 4, field 'comparison'" in err


# --- parameters: text unless the query says otherwise --------------------------------------


def test_a_text_code_reaches_the_query_with_its_leading_zeros(tmp_path):
    import duckdb

    from hkpipe import warehouse
    con = duckdb.connect()
    warehouse.apply_schema(con)
    con.execute("INSERT INTO index_constituents VALUES ('00700', '00001', 'x', 'a', "
                "DATE '2025-12-09', 'src')")
    ledger = tmp_path / "claims.csv"
    ledger.write_text("id,statement,query,params,measured,comparison,expected\n"
                      "c,s,index_constituents,symbol=00700,companies,companies = 1,holds\n")
    result = claims.evaluate(con, claims.read_ledger(ledger))[0]
    assert result.claim.params == {"symbol": "00700"}
    assert result.verdict == "holds"  # '700' would have matched nothing


def test_ledger_params_that_do_not_match_the_query_exit_2(built_settings, tmp_path):
    err = check_refuses(built_settings, tmp_path, GT, 0, "params", "symbol=^HSI; year=twenty")
    assert "line 2, field 'params'" in err and "is not of type INTEGER" in err


# --- second readings: rounded keeps the operator; looser says so --------------------------


# --- article metadata ------------------------------------------------------------------------

@pytest.mark.parametrize("edit,field", [
    (lambda t: t.replace(f'id = "{GT}"', 'id = "another-id"'), "id"),
    (lambda t: t.replace("date = 2026-01-04", 'date = "January"'), "date"),
    (lambda t: t.replace('address = "https://', 'address = "www.'), "address"),
    (lambda t: t.replace('outlet = "Global Times"', 'outlet = ""'), "outlet"),
    (lambda t: t.replace('kind = "bars"', 'kind = "pie"'), "charts[1].kind"),
    (lambda t: t.replace('query = "first_day_changes"', 'query = "../load/prices_update"', 1),
     "charts[1].query"),
    (lambda t: t.replace('claims = ["hsi_best_start_since_2013"]', 'claims = "x"'),
     "passages[2].claims"),
    (lambda t: "colour = 'red'\n" + t, "colour"),
])
def test_malformed_article_metadata_exits_2_naming_file_and_key(built_settings, tmp_path,
                                                                edit, field):
    seeds = copy_seeds(tmp_path)
    meta = seeds / "articles" / GT / "article.toml"
    meta.write_text(edit(meta.read_text()))
    before = checksums(built_settings.warehouse)
    out = hkpipe("check", "--warehouse", str(built_settings.warehouse), "--seeds-dir",
                 str(seeds))
    assert out.returncode == 2, out.stdout
    assert f"article.toml, field '{field}'" in out.stderr
    assert checksums(built_settings.warehouse) == before


# --- Checked by: official counts as claims ---------------------------------------------------

def test_official_counts_are_claims_of_their_own_ledger(built_settings):
    from hkpipe import jobs
    official = articles.read_article(SEEDS / "articles" / OFFICIAL)
    counts = [c for c in official.claims if c.query == "published_count"]
    assert len(counts) >= 5
    # every count in published_counts is measured, and only counts
    view = query(built_settings.warehouse, "SELECT as_of, measure FROM new_economy_vs_published")
    assert sorted((c.params["as_of"], c.params["measure"]) for c in counts) == sorted(view)
    for c in counts:  # the tolerance is stated in the ledger's comparison, not in code
        assert re.fullmatch(r"(abs_gap_pct <= 5|gap_pct > -5)", c.comparison), c.id
        assert "Tolerance 5%" in c.note or "5% tolerance" in c.note
    results = {r.claim.id: r for r in jobs.check(built_settings, record=False,
                                                 article=OFFICIAL).claims}
    measured = {i: (r.measured_value, r.verdict) for i, r in results.items()
                if r.claim.query == "published_count"}
    assert measured == {
        "hkex_2019_04_30_new_economy_40": (36, "fails"),
        "hkex_2020_04_29_new_economy_84": (97, "fails"),
        "hkex_2021_03_31_new_economy_146": (159, "fails"),
        "hkex_2023_03_31_new_economy_260": (253, "holds"),
        "hkex_2024_07_chapter_18a_65": (64, "holds"),
        "fs_2024_10_06_new_economy_over_330": (303, "fails"),
        "fs_2025_mid_new_economy_about_370": (332, "fails"),
        "hkex_2025_11_30_chapter_18a_80": (79, "holds"),
        "fs_2025_12_31_new_economy_over_400": (365, "fails"),
    }
    gap = {e[0]: e[1] for e in results["hkex_2023_03_31_new_economy_260"].evidence}
    assert (gap["published"], gap["gap"], gap["gap_pct"]) == (260, -7, -2.69)


def test_funds_and_market_shares_are_unverifiable_saying_what_is_missing(built_settings):
    from hkpipe import jobs
    results = {r.claim.id: r for r in jobs.check(built_settings, record=False,
                                                 article=OFFICIAL).claims}
    evidence = {i: {e[0]: e[1] for e in r.evidence} for i, r in results.items()}
    # funds raised are missing for some IPOs of each period: no share, and how many are missing
    # (RawData, the 2018-2022 offer source, has no funds raised; 2025 GEM IPOs have none)
    for claim_id, ipos, missing in [("fs_2018_h1_2025_ipo_funds_share_45pct", 676, 461),
                                    ("hkex_2021_03_31_ipo_funds_share_61pct", 350, 350),
                                    ("hkex_ceo_2025_ipo_funds_share_over_60pct", 59, 3)]:
        assert results[claim_id].verdict == "unverifiable", claim_id
        assert evidence[claim_id]["share_pct"] is None
        assert (evidence[claim_id]["ipos"], evidence[claim_id]["missing_funds"]) == (ipos,
                                                                                      missing)
    assert evidence["hkex_ceo_2025_ipo_funds_share_over_60pct"]["share_of_known_pct"] == 59.78
    for claim_id in ("fs_2025_12_31_market_cap_share_30pct", "fs_2025_12_31_turnover_share_30pct",
                     "fs_2025_11_05_market_cap_share_35pct"):
        assert results[claim_id].verdict == "unverifiable"
        assert "no source in the data gives" in results[claim_id].evidence[0][2]


def test_share_of_all_listed_firms_is_read_against_hkexs_list_of_that_day(built_settings):
    """"About 15% of all listed firms" (end of 2025): the broad count over every equity issuer
    on HKEX's List of Securities of 2025-12-31, recounted here from the seed file."""
    import csv

    import duckdb

    from hkpipe import jobs, sqlfiles
    with (built_settings.seeds_dir / "listed_issuers.csv").open(encoding="utf-8") as fh:
        listed = sum(row["listed_at_2025_12_31"] == "Y" for row in csv.DictReader(fh))
    result = {r.claim.id: r for r in jobs.check(built_settings, record=False,
                                                article=OFFICIAL).claims}[
        "fs_2025_12_31_new_economy_share_15pct"]
    evidence = {e[0]: e[1] for e in result.evidence}
    assert (evidence["new_economy"], evidence["all_listed"]) == (365, listed)
    assert result.measured_value == round(365 * 100 / listed, 2)
    assert result.verdict == "fails"  # 13.58, below "about 15" within 5%
    # the list of all issuers is of one day: at any other date the share is not measured
    con = duckdb.connect(str(built_settings.warehouse), read_only=True)
    try:
        rows = con.execute(sqlfiles.query("claims/listed_share"),
                           {"as_of": "2025-06-30", "definition": "broad"}).fetchall()
    finally:
        con.close()
    share = next(r for r in rows if r[0] == "share_pct")
    assert share[1] is None and "not measurable" in share[2]


def test_2026_listing_claims_hold_against_the_same_months_of_2025(built_settings):
    from hkpipe import jobs
    results = {r.claim.id: r for r in jobs.check(built_settings, record=False,
                                                 article="globaltimes-2026-01-04").claims}
    got = {i: ({e[0]: e[1] for e in results[i].evidence}, results[i].verdict)
           for i in ("frontier_tech_18c_listings_2026_more_than_2025",
                     "new_economy_listings_2026_more_than_2025")}
    # 18C: H1 of each year (the 2025 routes are sourced for H1 only); broad: to 2026-09-30
    frontier, verdict = got["frontier_tech_18c_listings_2026_more_than_2025"]
    assert (frontier["this_year"], frontier["last_year"], frontier["window_days"], verdict) == (
        13, 0, 181, "holds")
    broad, verdict = got["new_economy_listings_2026_more_than_2025"]
    assert (broad["this_year"], broad["last_year"], broad["window_days"], verdict) == (
        66, 33, 273, "holds")


# --- Checked by: no article numbers in the report code -------------------------------------


def test_report_renders_every_article_self_contained(built_settings, tmp_path):
    from hkpipe import jobs
    outcome, rep = jobs.report(built_settings, tmp_path / "rep", data_docs=True)
    md, html = rep.markdown.read_text(), rep.html.read_text()
    for article in outcome.articles:
        assert f"`{article.id}`" in md and f'id="{article.id}"' in html
        for claim in article.claims:
            assert claim.id in md and claim.id in html
        for chart in article.charts:
            png = tmp_path / "rep" / "charts" / article.id / f"{chart['name']}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert f"charts/{article.id}/{chart['name']}.png" in md
    # the HTML carries its charts inside it, so it reads offline without the folder
    # (the articles' three charts, and the IPO section's three: two cohort charts and the index)
    assert html.count('src="data:image/png;base64,') == len(rep.charts) == 3 + 3
    # no executable script: the only script blocks are the ClaimReview data (JSON-LD)
    assert not re.search(r'<script(?! type="application/ld\+json">)', html)
    assert 'src="http' not in html
    assert "2.76" in md and "no daily values in the warehouse" in md
    docs = tmp_path / "rep" / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site"
    assert (docs / "index.html").exists()
    assert any((docs / "validations").rglob("*.html"))


def test_chart_numbers_come_from_the_metadata(built_settings, tmp_path, monkeypatch):
    # Change the article's reference line: the chart follows, with no code change.
    import matplotlib.axes

    drawn = []
    real = matplotlib.axes.Axes.axhline
    monkeypatch.setattr(matplotlib.axes.Axes, "axhline",
                        lambda self, y=0, *a, **k: drawn.append(y) or real(self, y, *a, **k))
    seeds = copy_seeds(tmp_path)
    meta = seeds / "articles" / GT / "article.toml"
    meta.write_text(meta.read_text().replace('{ value = 2.8, label = "2.8% (the article)" }',
                                             '{ value = 1.5, label = "1.5% (edited)" }'))
    import matplotlib

    from hkpipe import report
    from hkpipe.warehouse import reads

    # the article's charts drawn as report.build draws them (the rest of the report is not
    # read here; test_report_renders_every_article_self_contained renders it whole)
    matplotlib.use("Agg")
    article = articles.read_article(seeds / "articles" / GT)
    out = tmp_path / "rep"
    con = reads.open_current(built_settings.warehouse)
    try:
        for spec in article.charts:
            report._chart(con, spec, report.CHARTS, article.id, out,
                          report.Report(out, out / "report.md", out / "report.html"))
    finally:
        con.close()
    assert 1.5 in drawn and 2.8 not in drawn
    assert 400 in drawn  # the other chart's line, from its own metadata


def test_a_new_kind_of_claim_is_one_sql_file_and_one_ledger_row(built_settings, tmp_path,
                                                               monkeypatch):
    # A copy of sql/ with one new claim query, as a contributor would add it: no Python edit.
    from dataclasses import replace

    from hkpipe import jobs, sqlfiles
    sql = tmp_path / "sql"
    shutil.copytree(sqlfiles.SQL_DIR, sql)
    (sql / "claims" / "close_on.sql").write_text(
        "-- A symbol's close on a day.\n"
        "-- params: symbol TEXT, day DATE\n"
        "SELECT 'close' AS item, close AS value, trade_date::VARCHAR AS detail,\n"
        "       trade_date AS as_of\n"
        "FROM prices WHERE symbol = $symbol AND trade_date = $day\n")
    monkeypatch.setattr(sqlfiles, "SQL_DIR", sql)
    monkeypatch.setattr(claims, "CLAIMS_DIR", sql / "claims")
    for cached in (sqlfiles.query, claims.declared_params, claims.is_one_select):
        cached.cache_clear()
    seeds = copy_seeds(tmp_path)

    def add(rows):
        rows.append({**{k: "" for k in rows[0]}, "id": "hsi_closed_above_26000",
                     "statement": "the index closed above 26,000 that day", "query": "close_on",
                     "params": "symbol=^HSI; day=2026-01-02", "measured": "close",
                     "comparison": "close > 26000", "expected": "holds"})
    edit_ledger(seeds, GT, add)
    try:
        out = jobs.check(replace(built_settings, seeds_dir=seeds), record=False, article=GT)
    finally:
        for cached in (sqlfiles.query, claims.declared_params, claims.is_one_select):
            cached.cache_clear()
    new = next(r for r in out.claims if r.claim.id == "hsi_closed_above_26000")
    assert (new.verdict, new.measured_value, str(new.as_of)) == ("holds", 26338.47,
                                                                 "2026-01-02")
    assert out.ok
