"""Claims as data, without a warehouse: the ledger's safety rules, the comparison grammar,
parameters, second readings, the bundled article and the report code that only reads it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hkpipe import articles, report
from hkpipe.checks import claims
from hkpipe.errors import InputError
from hkpipe.settings import PROJECT_ROOT
from tests.fakes.articles import (
    GT,
    OFFICIAL,
    copy_seeds,
    new_article,
    write_rows,
)
from tests.fakes.common import SEEDS


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


def test_the_bundled_article_holds_only_what_the_repository_holds():
    article = articles.read_article(SEEDS / "articles" / GT)
    counts = (SEEDS / "published_counts.csv").read_text()
    assert article.address in counts  # the address comes from a sourced row, not a guess
    assert article.title == ""  # the headline is not held, so it is left empty...
    assert "not held" in article.provenance  # ...and said so
    quoted = [p["text"] for p in article.passages if p["kind"] == "quoted"]
    statements = {c.statement for c in article.claims}
    assert quoted and set(quoted) <= statements


def test_the_report_code_holds_no_article_number_or_year():
    code = Path(report.__file__).read_text()
    for token in ["2.8", "2013", "2026", "400", "2025-12-31", "2010", "^HSI"]:
        assert token not in code, token


def test_every_chart_kind_the_metadata_may_name_is_drawn():
    assert set(articles.CHART_KINDS) == set(report.CHARTS)


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
