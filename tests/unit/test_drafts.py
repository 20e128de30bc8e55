"""`hkpipe claims draft`: the numeric statements of a text with their spans, one candidate ledger
row each with a suggested query, expected always empty; the Global Times passages give a row
for every claim of the hand-written ledger; the loader refuses a draft until it is reviewed."""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from pathlib import Path

import pytest

from hkpipe import articles, drafts
from hkpipe.checks import claims as claims_module
from hkpipe.errors import InputError
from tests.fakes.errors import one_line, run_cli

ROOT = Path(__file__).resolve().parents[2]
GT = ROOT / "seeds" / "articles" / "globaltimes-2026-01-04"
# Candidate rows on the Global Times passages beyond the claims the hand-written ledger holds
# for their passage (docs/ledgers.md states the same number): "six innovative industries",
# a second row beside "100 ... companies" for the one index_constituents claim.
MAX_FALSE_CANDIDATES = 1

# TEST TEXT: invented for this test, plausible financial prose that is not from any article.
INVENTED = (
    "New-economy companies raised HK$150.3 billion in the first half of 2025, or 72% of IPO "
    "funds, a record. They made up about 15% of all listed firms at the end of June.\n\n"
    "The Hang Seng Index fell 1.2 per cent on the first trading day of the year. Some 120 "
    "companies filed listing applications in May, and the new board went live on 2026-01-04.")


def gt_passages() -> tuple[str, list[tuple[int, int, dict]]]:
    """The Global Times passages joined as paragraphs, with each one's span."""
    meta = tomllib.loads((GT / "article.toml").read_text(encoding="utf-8"))
    text, spans = "", []
    for passage in meta["passages"]:
        if text:
            text += "\n\n"
        spans.append((len(text), len(text) + len(passage["text"]), passage))
        text += passage["text"]
    return text, spans


def gt_queries() -> dict[str, str]:
    return {c.id: c.query for c in claims_module.read_ledger(GT / "claims.csv")}


def test_every_global_times_claim_gets_a_candidate_with_its_kind_where_the_table_fits():
    text, spans = gt_passages()
    rows = drafts.rows(text)
    queries = gt_queries()
    # passage -> the kinds suggested for its rows ("" where no keyword fits; "six innovative
    # industries", the false candidate, reads its kind after "100 ... companies" and finds none)
    suggested = {
        0: {"first_day_change"}, 1: {"best_start_since"}, 2: {"new_economy_count"},
        3: {"index_constituents", ""}, 4: {"event_date"}, 5: {"event_date"}, 6: {"event_date"},
        7: {""}, 8: {"listings_vs_prior_year"},
    }
    false = 0
    for n, (start, end, passage) in enumerate(spans):
        inside = [r for r in rows if start <= r.statement.start < r.statement.end <= end]
        assert passage["claims"] and inside, passage["text"]
        assert {r.query for r in inside} == suggested[n], passage["text"]
        # a suggested kind is the one the person chose in the hand-written ledger
        assert {r.query for r in inside} - {""} <= {queries[c] for c in passage["claims"]}
        for r in inside:
            assert text[r.statement.start:r.statement.end] == r.statement.text
        false += max(0, len(inside) - len(passage["claims"]))
    assert sum(any(s <= r.statement.start < e for s, e, _ in spans) for r in rows) == len(rows)
    assert false <= MAX_FALSE_CANDIDATES
    first = next(r for r in rows if r.query == "first_day_change").statement
    assert (first.text, first.kind) == ("more than 2.8 percent", "percent")


def test_one_sentence_with_two_claims_gives_two_rows_of_their_own_kinds():
    text = ("The benchmark Hang Seng Index rose by more than 2.8 percent on the first trading "
            "day of 2026, marking its best start since 2013.")
    found = [(r.statement.text, r.query) for r in drafts.rows(text)]
    assert found == [("more than 2.8 percent", "first_day_change"),
                     ("best start since 2013", "best_start_since")]
    kinds = {s.text: s.kind for s in drafts.find_statements(text)}
    assert kinds["2026"] == "year"  # context of the first claim, not a row of its own


def test_an_unseen_text_gets_rows_for_its_numeric_claims_and_no_expected_verdict():
    rows = drafts.rows(INVENTED)
    found = {r.statement.text: (r.statement.kind, r.query) for r in rows}
    assert found == {
        "HK$150.3 billion": ("amount", ""),
        "72%": ("percent", "ipo_funds_share"),
        "record": ("comparative", ""),
        "about 15%": ("percent", "listed_share"),
        "1.2 per cent": ("percent", "first_day_change"),
        "Some 120 companies": ("count", ""),
        "2026-01-04": ("date", "event_date"),
    }
    for r in rows:
        assert INVENTED[r.statement.start:r.statement.end] == r.statement.text
    toml_text, csv_text = drafts.draft(INVENTED, "invented-test-text", "invented.txt")
    ledger = list(csv.DictReader(io.StringIO(csv_text)))
    assert [row["id"] for row in ledger] == [r.id for r in rows]
    assert all(row["expected"] == row["measured"] == row["comparison"] == "" for row in ledger)
    meta = tomllib.loads(toml_text)
    assert meta["outlet"] == "" and "date" not in meta  # not in the text: never guessed
    assert [c for p in meta["passages"] for c in p["claims"]] == [r.id for r in rows]


def test_dates_and_years_are_found_with_their_spans():
    text = "It was the highest since May 2013. The rule took effect at the end of last year."
    found = [(s.text, s.kind) for s in drafts.find_statements(text)]
    assert found == [("highest since May 2013", "comparative"),
                     ("the end of last year", "date")]
    assert [r.query for r in drafts.rows(text)] == ["", "event_date"]


def test_the_kind_table_names_claim_queries_and_the_docs_list_them():
    docs = (ROOT / "docs" / "ledgers.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Drafting a ledger from an article's text"):]
    for kind, fits, words, _ in drafts.KIND_RULES:
        assert claims_module.query_path(kind) is not None, kind
        assert f"| `{kind}` | {', '.join(fits)} | {words} |" in section, kind
    assert f"at most {MAX_FALSE_CANDIDATES} false candidate" in section


def test_the_draft_ledger_has_the_ledgers_header():
    header = (GT / "claims.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert drafts.LEDGER_COLUMNS == header
    assert set(header) == set(claims_module.LEDGER_REQUIRED + claims_module.LEDGER_OPTIONAL)


def test_the_loader_refuses_a_draft_until_it_is_reviewed_and_then_reads_it(tmp_path):
    # Intended: the loader refuses a missing date, an empty outlet and an empty query,
    # measured, comparison or expected, so an unreviewed draft can never reach the verdict
    # gate; each refusal names the field a person must fill in. Otherwise the draft is a
    # folder the loader reads (ids, header, passages and their claims).
    text = "The benchmark Hang Seng Index rose by more than 2.8 percent on the first trading " \
           "day of 2026."
    folder, rows = drafts.write(tmp_path, "draft-test", text, source="t.txt")
    with pytest.raises(InputError) as refused:
        articles.read_article(folder)
    assert refused.value.field == "date"  # the loader wants a TOML date: none is guessed
    toml_path = folder / "article.toml"
    toml_path.write_text(toml_path.read_text(encoding="utf-8").replace(
        'outlet = ""', 'outlet = "A reviewer"\ndate = 2026-01-04'), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        articles.read_article(folder)
    assert refused.value.path.endswith("claims.csv") and refused.value.field == "measured"
    # a person fills in the row from the hand-written ledger's reading: the draft then loads
    reviewed = next(c for c in claims_module.read_ledger(GT / "claims.csv")
                    if c.query == "first_day_change")
    ledger = list(csv.DictReader(io.StringIO((folder / "claims.csv").read_text("utf-8"))))
    ledger[0] |= {"params": "symbol=^HSI; year=2026", "measured": reviewed.measured,
                  "comparison": reviewed.comparison, "expected": reviewed.expected}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=drafts.LEDGER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ledger)
    (folder / "claims.csv").write_text(out.getvalue(), encoding="utf-8")
    article = articles.read_article(folder)
    assert [c.id for c in article.claims] == [rows[0].id]
    assert article.passages[0]["claims"] == [rows[0].id]
    assert article.passages[0]["text"] == text


def test_check_refuses_the_seeds_while_a_draft_awaits_review(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(GT, seeds / "articles" / GT.name)
    (tmp_path / "a.txt").write_text(INVENTED, encoding="utf-8")
    code, _ = run_cli(capsys, "claims", "draft", str(tmp_path / "a.txt"), "--article", "new",
                      "--seeds-dir", str(seeds))
    assert code == 0
    code, err = run_cli(capsys, "check", "--no-record", "--seeds-dir", str(seeds),
                        "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 2
    assert "articles/new/article.toml" in one_line(err) and "'date'" in err


def test_cli_refusals_exit_2_with_one_line(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    article = tmp_path / "a.txt"
    article.write_text("Shares rose 3% on the first trading day.", encoding="utf-8")
    args = ("claims", "draft", str(article), "--article", "a1", "--seeds-dir", str(seeds))
    assert run_cli(capsys, *args)[0] == 0
    ledger = seeds / "articles" / "a1" / "claims.csv"
    assert "first_day_change" in ledger.read_text(encoding="utf-8")

    article.write_text("Turnover fell 5% to HK$2 billion.", encoding="utf-8")
    code, err = run_cli(capsys, *args)
    assert code == 2
    assert str(seeds / "articles" / "a1") in one_line(err) and "--force" in err
    assert "first_day_change" in ledger.read_text(encoding="utf-8")  # left as it was
    assert run_cli(capsys, *args, "--force")[0] == 0
    assert "HK$2 billion" in ledger.read_text(encoding="utf-8")

    article.write_bytes(b"Shares rose 3%\nin caf\xe9s.")
    code, err = run_cli(capsys, "claims", "draft", str(article), "--article", "a2",
                        "--seeds-dir", str(seeds))
    assert code == 2
    line = one_line(err)
    assert str(article) in line and "UTF-8" in line and "offset 21" in line and "line 2" in line
    code, err = run_cli(capsys, "claims", "draft", str(tmp_path / "missing.txt"), "--article",
                        "a2", "--seeds-dir", str(seeds))
    assert code == 2 and "missing.txt" in one_line(err) and "not found" in err
    assert not (seeds / "articles" / "a2").exists()


def test_a_row_of_a_very_long_sentence_quotes_the_words_around_its_statement():
    text = "the index rose 5% and " * 100 + "turnover reached HK$3 billion"
    _, csv_text = drafts.draft(text, "long")
    ledger = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(ledger) == 101
    assert all(len(row["statement"]) <= drafts.MAX_STATEMENT + 6 for row in ledger)
    assert ledger[-1]["statement"].startswith("...")
    assert ledger[-1]["statement"].endswith("HK$3 billion")


@pytest.mark.parametrize(("text", "statement", "kind"), [
    ("Turnover was 15% higher.", "15%", "percent"),
    ("The spread narrowed by 3 percentage points.", "3 percentage points", "percent"),
    ("It raised US$300 million.", "US$300 million", "amount"),
    ("It raised RMB5bn.", "RMB5bn", "amount"),
    ("It raised HK$ 1.2 billion.", "HK$ 1.2 billion", "amount"),
    ("Over 3 million shares changed hands.", "Over 3 million shares", "count"),
    ("At least 400 companies listed.", "At least 400 companies", "count"),
    ("The index tracks six innovative industries.", "six innovative industries", "count"),
    ("Volume was the highest in ten years.", "highest in ten years", "comparative"),
    ("Listings hit a record.", "record", "comparative"),
    ("Prices fell to the lowest level.", "lowest", "comparative"),
    ("The plan was unveiled in H1 2025.", "H1 2025", "date"),
    ("The rule starts in November.", "November", "date"),
    ("The index was created in 2013.", "2013", "year"),
])
def test_the_documented_statements_are_found(text, statement, kind):
    rows = drafts.rows(text)
    assert [(r.statement.text, r.statement.kind) for r in rows] == [(statement, kind)]


def test_words_that_only_look_like_statements_are_not_found():
    text = ("The HKEX Tech 100 Index may rise over the year under Chapter 18C, said Mr. Chan. "
            "Some firms march on.")
    assert drafts.find_statements(text) == []


def test_a_text_without_statements_writes_nothing(tmp_path):
    with pytest.raises(InputError) as refused:
        drafts.write(tmp_path, "none", "Markets were calm.", path=tmp_path / "calm.txt")
    assert refused.value.path.endswith("calm.txt") and not (tmp_path / "articles").exists()
