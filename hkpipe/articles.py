"""Sources of claims: one folder per article (or official statement series) under
``seeds/articles/<article_id>/``, holding ``article.toml`` (what the source is, where it is,
the passages quoted, and the report's charts and tables for it) and ``claims.csv`` (its claim
ledger, ``hkpipe.checks.claims``).

``article.toml``:

| key | meaning |
|---|---|
| ``id`` | the folder's name, repeated (letters, digits, ``_ . -``) |
| ``outlet`` | who published it |
| ``date`` | publication date (a TOML date) |
| ``title`` | its headline; ``""`` where the repository does not hold it (say so below) |
| ``address`` | its URL; ``""`` where unknown (never guessed) |
| ``provenance`` | where each of these facts comes from |
| ``[[passages]]`` | ``text``, ``kind`` (``quoted``, ``paraphrased``), ``claims`` (ids), ``note`` |
| ``[[charts]]`` | ``name``, ``kind`` (``CHART_KINDS``), ``title``, ``query`` (``sql/report/``), |
|  | ``params`` and the kind's own keys (``hkpipe.report``) |
| ``[[tables]]`` | ``title``, ``query`` (``sql/report/``), ``params`` |

Every problem is an ``InputError`` (exit 2) naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .checks import claims as claims_module
from .errors import InputError
from .settings import SQL_DIR

ARTICLES_DIR = "articles"
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a folder name, safe in paths
PASSAGE_KINDS = ("quoted", "paraphrased")
# Chart kinds the report draws; each takes its numbers (reference lines, highlighted values)
# from the article's metadata, never from code.
CHART_KINDS = {
    "bars": {"x", "y", "ylabel"},
    "stacked_bars_with_line": {"x", "stack", "y", "line", "ylabel", "line_label"},
    "lines_with_points": {"x", "lines", "points_query", "points_x", "points_y", "points_label",
                          "ylabel"},
}
CHART_OPTIONAL = {"params", "highlight", "reference_lines", "points_params", "colours"}
REPORT_QUERY = re.compile(r"[a-z_]+")


@dataclass
class Article:
    id: str
    outlet: str
    date: date
    title: str
    address: str
    provenance: str
    folder: Path
    passages: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    claims: list[claims_module.Claim] = field(default_factory=list)

    @property
    def ledger(self) -> Path:
        return self.folder / "claims.csv"


def article_ids(seeds_dir: Path) -> list[str]:
    root = Path(seeds_dir) / ARTICLES_DIR
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_all(seeds_dir: Path, only: str | None = None) -> list[Article]:
    """Every article folder (or just ``only``), metadata and ledger validated."""
    ids = article_ids(seeds_dir)
    if not ids:
        raise InputError(Path(seeds_dir) / ARTICLES_DIR, "no article folders; each source of "
                         "claims is a folder holding article.toml and claims.csv")
    if only is not None:
        if only not in ids:
            raise InputError(None, f"no article {only!r} in {Path(seeds_dir) / ARTICLES_DIR}; "
                             f"there are: {', '.join(ids)}", field="--article")
        ids = [only]
    return [read_article(Path(seeds_dir) / ARTICLES_DIR / i) for i in ids]


def read_article(folder: Path) -> Article:
    path = folder / "article.toml"
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "file not found; every article folder holds article.toml and "
                         "claims.csv") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"not valid TOML: {exc}",
                         line=int(line[1]) if line else None) from None
    except (RecursionError, MemoryError):
        # tomllib recurses once per nested table or array: thousands deep exhaust the stack
        raise InputError(path, "tables or arrays nested too deeply to read; article.toml "
                         "nests a few levels at most") from None

    def need(key: str, kind: type, *, empty_ok: bool = False):
        value = meta.get(key)
        if not isinstance(value, kind) or (isinstance(value, str) and not empty_ok
                                           and not value.strip()):
            raise InputError(path, f"required: a {kind.__name__}"
                             + (" (may be empty)" if empty_ok else ""), field=key)
        return value

    article_id = need("id", str)
    if article_id != folder.name or not ARTICLE_ID.fullmatch(article_id):
        raise InputError(path, f"id {article_id!r} must equal the folder name {folder.name!r} "
                         "(letters, digits, _ . -; not starting with . _ or -)", field="id")
    address = need("address", str, empty_ok=True)
    if address and not re.match(r"https?://\S+$", address):
        raise InputError(path, f"{address!r} is not an http(s) address; leave it empty where "
                         "the address is unknown", field="address")
    when = meta.get("date")
    if not isinstance(when, date):
        raise InputError(path, "required: a TOML date such as 2026-01-04", field="date")
    article = Article(article_id, need("outlet", str), when, need("title", str, empty_ok=True),
                      address, need("provenance", str), folder)
    known = {"id", "outlet", "date", "title", "address", "provenance", "passages", "charts",
             "tables"}
    extra = sorted(set(meta) - known)
    if extra:
        raise InputError(path, f"unknown key(s) {', '.join(extra)}; allowed: "
                         f"{', '.join(sorted(known))}", field=extra[0])
    article.claims = claims_module.read_ledger(article.ledger, article_id)
    ids = {c.id for c in article.claims}
    article.passages = [_passage(path, i, p, ids) for i, p in
                        enumerate(meta.get("passages", []), 1)]
    article.charts = [_chart(path, i, c) for i, c in enumerate(meta.get("charts", []), 1)]
    article.tables = [_table(path, i, t) for i, t in enumerate(meta.get("tables", []), 1)]
    return article


def _passage(path: Path, n: int, passage: dict, ids: set[str]) -> dict:
    where = f"passages[{n}]"
    if not isinstance(passage, dict) or not str(passage.get("text", "")).strip():
        raise InputError(path, "a passage needs its text", field=f"{where}.text")
    if passage.get("kind") not in PASSAGE_KINDS:
        raise InputError(path, f"kind must be one of {', '.join(PASSAGE_KINDS)}",
                         field=f"{where}.kind")
    named = passage.get("claims", [])
    if not isinstance(named, list) or not all(isinstance(c, str) for c in named):
        raise InputError(path, "claims is a list of claim ids", field=f"{where}.claims")
    # A passage may name a claim its ledger no longer holds (a ledger cut to a few claims keeps
    # its passages); the report shows which ones are measured.
    return {"text": passage["text"], "kind": passage["kind"], "note": passage.get("note", ""),
            "claims": [c for c in named if c in ids],
            "unmeasured": [c for c in named if c not in ids]}


def _report_query(path: Path, where: str, name) -> None:
    if not (isinstance(name, str) and REPORT_QUERY.fullmatch(name)
            and (SQL_DIR / "report" / f"{name}.sql").is_file()):
        raise InputError(path, f"{name!r} is not a file name ([a-z_]+) in sql/report/",
                         field=where)


def _chart(path: Path, n: int, chart: dict) -> dict:
    where = f"charts[{n}]"
    kind = chart.get("kind")
    if kind not in CHART_KINDS:
        raise InputError(path, f"kind must be one of {', '.join(CHART_KINDS)}",
                         field=f"{where}.kind")
    required = {"name", "title", "query"} | CHART_KINDS[kind]
    missing = sorted(k for k in required if k not in chart)
    if missing:
        raise InputError(path, f"missing {', '.join(missing)} for a {kind} chart",
                         field=f"{where}.{missing[0]}")
    extra = sorted(set(chart) - required - CHART_OPTIONAL - {"kind"})
    if extra:
        raise InputError(path, f"unknown key(s) {', '.join(extra)}", field=f"{where}.{extra[0]}")
    if not REPORT_QUERY.fullmatch(str(chart["name"])):
        raise InputError(path, "a chart name is [a-z_]+ (it names the PNG file)",
                         field=f"{where}.name")
    _report_query(path, f"{where}.query", chart["query"])
    if "points_query" in chart:
        _report_query(path, f"{where}.points_query", chart["points_query"])
    for line in chart.get("reference_lines", []):
        if not isinstance(line.get("value"), int | float) or not isinstance(line.get("label"),
                                                                             str):
            raise InputError(path, "a reference line is {value = number, label = text}",
                             field=f"{where}.reference_lines")
    return dict(chart)


def _table(path: Path, n: int, table: dict) -> dict:
    where = f"tables[{n}]"
    if not isinstance(table.get("title"), str):
        raise InputError(path, "a table needs a title", field=f"{where}.title")
    _report_query(path, f"{where}.query", table.get("query"))
    extra = sorted(set(table) - {"title", "query", "params", "note"})
    if extra:
        raise InputError(path, f"unknown key(s) {', '.join(extra)}", field=f"{where}.{extra[0]}")
    return dict(table)


def all_claims(articles: list[Article]) -> list[claims_module.Claim]:
    return [c for a in articles for c in a.claims]
