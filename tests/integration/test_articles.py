"""Claims as data: article folders, the ledger's safety rules, the official-counts ledger, and
the report that only reads them (the issue's "Checked by" scenarios among them)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from hkpipe import articles, report
from hkpipe.checks import claims
from hkpipe.errors import InputError
from hkpipe.settings import PROJECT_ROOT
from tests.fakes.cli import hkpipe
from tests.fakes.common import SEEDS, checksums, query

GT = "globaltimes-2026-01-04"
OFFICIAL = "official-new-economy-counts"


def copy_seeds(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def edit_ledger(seeds: Path, article: str, edit) -> Path:
    path = seeds / "articles" / article / "claims.csv"
    rows = read_rows(path)
    edit(rows)
    write_rows(path, rows)
    return path


def new_article(seeds: Path, new_id: str, keep: list[str]) -> Path:
    """Copy the Global Times folder to ``new_id``, rewrite its metadata to the new id, and cut
    its ledger to the claims in ``keep`` (no Python, no SQL)."""
    folder = seeds / "articles" / new_id
    shutil.copytree(seeds / "articles" / GT, folder)
    meta = folder / "article.toml"
    meta.write_text(meta.read_text().replace(f'id = "{GT}"', f'id = "{new_id}"'))
    rows = read_rows(folder / "claims.csv")
    write_rows(folder / "claims.csv", [r for r in rows if r["id"] in keep])
    return folder


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


@pytest.mark.parametrize("name", ["../load/prices_update", "load/prices_update",
                                  "First_Day_Change", "first_day_change.sql", "nope"])
def test_query_names_must_be_plain_names_of_files_in_sql_claims(name):
    assert claims.query_path(name) is None
    assert claims.query_path("first_day_change") == (claims.CLAIMS_DIR /
                                                     "first_day_change.sql").resolve()


def test_a_query_that_is_not_one_select_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "sneaky.sql").write_text("-- params: symbol TEXT\n"
                                       "DELETE FROM prices WHERE symbol = $symbol")
    monkeypatch.setattr(claims, "CLAIMS_DIR", folder)
    monkeypatch.setattr(claims.sqlfiles, "SQL_DIR", tmp_path)
    claims.sqlfiles.query.cache_clear()
    claims.is_one_select.cache_clear()
    ledger = tmp_path / "claims.csv"
    ledger.write_text("id,statement,query,params,measured,comparison,expected\n"
                      "c,s,sneaky,symbol=^HSI,x,x > 1,holds\n")
    try:
        with pytest.raises(InputError) as err:
            claims.read_ledger(ledger)
    finally:
        claims.sqlfiles.query.cache_clear()
        claims.is_one_select.cache_clear()
    assert (err.value.line, err.value.field) == (2, "query")
    assert "exactly one SELECT" in str(err.value)


# --- the comparison grammar ------------------------------------------------------------------

@pytest.mark.parametrize("text,items,verdict", [
    ("change > 2.8", {"change": 2.76}, "fails"),
    ("change > 2.8", {"change": 2.81}, "holds"),
    ("year = 2025 and month = 5", {"year": 2025, "month": 5}, "holds"),
    ("year == 2025 and month != 5", {"year": 2025, "month": 5}, "fails"),
    ("a > 1 or b > 1", {"a": 0, "b": 2}, "holds"),
    ("not a > 1", {"a": 0}, "holds"),
    ("(a > 1 or b > 1) and not c = 0", {"a": 2, "b": 0, "c": 0}, "fails"),
    ("gap_pct > -5", {"gap_pct": -4.99}, "holds"),
    ("0 < a <= 5", {"a": 5}, "holds"),
    ("a > 1 or b > 1", {"a": 2}, "unverifiable"),  # b is missing
    ("a >= b", {"a": 1, "b": None}, "unverifiable"),
])
def test_comparisons(text, items, verdict):
    assert claims.judge(text, items) == verdict


@pytest.mark.parametrize("text", [
    "abs(a) > 1", "a.real > 1", "__import__('os').system('true') = 0", "a + 1 > 2",
    "a > 'x'", "a", "a > 1 and 2", "a is b", "a in b", "a > True", "a >> 2",
    "[a][0] > 1", "lambda: 1", "a > 1; b > 1",
])
def test_comparisons_outside_the_grammar_are_refused(text):
    with pytest.raises(ValueError):
        claims.parse_comparison(text)


def test_a_malformed_comparison_in_a_ledger_exits_2_naming_file_line_field(built_settings,
                                                                         tmp_path):
    err = check_refuses(built_settings, tmp_path, OFFICIAL, 2, "comparison",
                        "count > __import__('os').getpid()")
    assert f"articles/{OFFICIAL}/claims.csv, line 4, field 'comparison'" in err


# --- parameters: text unless the query says otherwise --------------------------------------

def test_params_stay_text_unless_declared():
    assert claims.parse_params("code=00700; symbol=^HSI") == {"code": "00700",
                                                              "symbol": "^HSI"}
    declared = {"code": "TEXT", "year": "INTEGER", "as_of": "DATE", "x": "DOUBLE"}
    from datetime import date
    assert claims.parse_params("code=00700; year=2026; as_of=2025-12-31; x=2.5", declared) == {
        "code": "00700", "year": 2026, "as_of": date(2025, 12, 31), "x": 2.5}
    for bad in ["code=00700; year=20x6; as_of=2025-12-31; x=1",
                "code=00700; year=2026; as_of=2025-13-31; x=1",
                "code=00700; year=2026; as_of=2025-12-31",              # x missing
                "code=1; year=1; as_of=2025-12-31; x=1; colour=red"]:   # not declared
        with pytest.raises(ValueError):
            claims.parse_params(bad, declared)


def test_every_claim_query_declares_its_parameters():
    for path in sorted(claims.CLAIMS_DIR.glob("*.sql")):
        used = set(re.findall(r"\$([a-z_]+)", path.read_text()))
        assert set(claims.declared_params(path.stem)) == used, path.name


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

def reading_row(**kw) -> dict:
    row = {"id": "c", "statement": "s", "query": "first_day_change",
           "params": "symbol=^HSI; year=2026", "measured": "change",
           "comparison": "change > 2.8", "rounded_comparison": "", "rounded_kind": "",
           "rounded_reading": "", "expected": "fails", "note": ""}
    row.update(kw)
    return row


@pytest.mark.parametrize("kw,field,fragment", [
    ({"rounded_comparison": "change_1dp >= 2.8", "rounded_kind": "rounded",
      "rounded_reading": "rounded to one decimal"}, "rounded_comparison",
     "keeps the comparison's operators (>)"),
    ({"rounded_comparison": "change_1dp > 2.8", "rounded_reading": "words"}, "rounded_kind",
     "not one of rounded, looser"),
    ({"rounded_comparison": "change_1dp > 2.8", "rounded_kind": "rounded"}, "rounded_reading",
     "say in words"),
    ({"rounded_kind": "looser"}, "rounded_kind", "no rounded_comparison"),
])
def test_second_readings_are_declared_and_keep_their_operator(tmp_path, kw, field, fragment):
    path = tmp_path / "claims.csv"
    write_rows(path, [reading_row(**kw)])
    with pytest.raises(InputError) as err:
        claims.read_ledger(path)
    assert (err.value.line, err.value.field) == (2, field)
    assert fragment in str(err.value)


def test_rounded_and_looser_readings_of_the_first_claim(tmp_path):
    path = tmp_path / "claims.csv"
    write_rows(path, [reading_row(rounded_comparison="change_1dp > 2.8", rounded_kind="rounded",
                                  rounded_reading="at one decimal, still more than 2.8"),
                      reading_row(id="d", rounded_comparison="change_1dp = 2.8",
                                  rounded_kind="looser", rounded_reading="about 2.8")])
    rounded, looser = claims.read_ledger(path)
    items = {"change": 2.762057, "change_1dp": 2.8}
    assert claims.judge(rounded.rounded_comparison, items) == "fails"  # 2.8 is not > 2.8
    assert claims.judge(looser.rounded_comparison, items) == "holds"


def test_the_bundled_ledger_states_its_looser_reading():
    first = next(c for c in articles.read_article(SEEDS / "articles" / GT).claims
                 if c.id == "hsi_first_day_2026_gain_over_2_8pct")
    assert first.rounded_kind == "looser" and "about 2.8 percent" in first.rounded_reading
    readme = (PROJECT_ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines()
               if line.startswith("| `hsi_first_day_2026_gain_over_2_8pct`"))
    assert "looser" in row and "about 2.8%" in row


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


def test_the_bundled_article_holds_only_what_the_repository_holds():
    article = articles.read_article(SEEDS / "articles" / GT)
    counts = (SEEDS / "published_counts.csv").read_text()
    assert article.address in counts  # the address comes from a sourced row, not a guess
    assert article.title == ""  # the headline is not held, so it is left empty...
    assert "not held" in article.provenance  # ...and said so
    quoted = [p["text"] for p in article.passages if p["kind"] == "quoted"]
    statements = {c.statement for c in article.claims}
    assert quoted and set(quoted) <= statements


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
    measured = {i: (r.measured_value, r.verdict) for i, r in results.items()}
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


# --- Checked by: no article numbers in the report code -------------------------------------

def test_the_report_code_holds_no_article_number_or_year():
    code = Path(report.__file__).read_text()
    for token in ["2.8", "2013", "2026", "400", "2025-12-31", "2010", "^HSI"]:
        assert token not in code, token


def test_every_chart_kind_the_metadata_may_name_is_drawn():
    assert set(articles.CHART_KINDS) == set(report.CHARTS)


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
    # (the articles' three charts, and the IPO section's two)
    assert html.count('src="data:image/png;base64,') == len(rep.charts) == 3 + 2
    assert "<script" not in html and 'src="http' not in html
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
    from dataclasses import replace

    from hkpipe import jobs
    jobs.report(replace(built_settings, seeds_dir=seeds), tmp_path / "rep", data_docs=False)
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


def test_an_article_id_may_be_any_plain_folder_name(tmp_path):
    seeds = copy_seeds(tmp_path)
    new_article(seeds, "Reuters_2026.02.01", ["tech_channel_launched_may_2025"])
    (seeds / "articles" / ".cache").mkdir()  # hidden folders are not articles
    found = {a.id: [c.key for c in a.claims] for a in articles.read_all(seeds)}
    assert found["Reuters_2026.02.01"] == ["Reuters_2026.02.01/tech_channel_launched_may_2025"]
    assert set(found) == {GT, OFFICIAL, "Reuters_2026.02.01"}
    shutil.copytree(seeds / "articles" / GT, seeds / "articles" / "-dash")
    meta = seeds / "articles" / "-dash" / "article.toml"
    meta.write_text(meta.read_text().replace(f'id = "{GT}"', 'id = "-dash"'))
    with pytest.raises(InputError, match="must equal the folder name"):
        articles.read_all(seeds)
