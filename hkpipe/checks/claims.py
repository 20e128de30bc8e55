"""The claim ledger: each claim measured by a SQL file, judged by a comparison from the ledger.

Every source of claims (an article, an official statement series) has a folder
``seeds/articles/<article_id>/`` with its metadata (``hkpipe.articles``) and a ``claims.csv``.
A ledger row names a query in ``sql/claims/`` and gives it parameters. The query returns
evidence rows ``(item, value, detail, as_of)``; the ledger's comparison over those items
(``change > 2.8``, ``a > b and not c = 0``) gives the verdict: ``holds``, ``fails``, or
``unverifiable`` when an item it needs is missing or NULL. No verdict is written in code; the
ledger is read afresh on every check, so an edit takes effect at once.

The ledger is input, so it is held to rules before anything runs:

- ``query`` is a bare name (``[a-z_]+``) of a file inside ``sql/claims/`` holding one SELECT;
- ``params`` are ``name=value`` pairs separated by ``;``. They must be exactly the parameters
  the query declares in its header (``-- params: symbol TEXT, year INTEGER``). A value stays
  text unless the query declares another type (INTEGER, DOUBLE, DATE), so ``00700`` stays
  ``00700``;
- a comparison is a small expression: evidence item names and numbers, the operators
  ``> >= < <= = != ==``, joined by ``and``, ``or``, ``not`` and parentheses. It is parsed with
  Python's ``ast`` and evaluated node by node; nothing else (no calls, attributes, arithmetic)
  is accepted;
- ``vary`` (optional) declares perturbations: parameters to vary and their ranges
  (``hkpipe.checks.sweeps``), only those the query lets vary (``-- vary: since``);
- a second reading (``rounded_comparison``) states its kind and says in words what it tests.
  A ``rounded`` reading keeps the operators of the comparison, in order (only the items may
  differ, e.g. the value rounded as the article rounds); a reading that changes an operator is
  a ``looser`` reading and must be declared so.

Any problem is an ``InputError`` (exit 2) naming the file, the line and the field.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from .. import sqlfiles
from ..csvio import LINE, fail_first, read_table
from ..errors import InputError
from ..settings import SQL_DIR

VERDICTS = ("holds", "fails", "unverifiable")
READING_KINDS = ("rounded", "looser")
LEDGER_REQUIRED = ["id", "statement", "query", "params", "measured", "comparison", "expected"]
LEDGER_OPTIONAL = ["rounded_comparison", "rounded_kind", "rounded_reading", "note", "vary"]
CLAIMS_DIR = SQL_DIR / "claims"
QUERY_NAME = re.compile(r"[a-z_]+")
ITEM_NAME = re.compile(r"[a-z_][a-z0-9_]*")
CLAIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
PARAM_TYPES = ("TEXT", "INTEGER", "DOUBLE", "DATE")
OPERATORS = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "=",
             ast.NotEq: "!="}


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    query: str
    params: dict
    measured: str
    comparison: str
    rounded_comparison: str | None
    expected: str
    note: str
    line: int
    article_id: str = ""
    rounded_kind: str | None = None
    rounded_reading: str | None = None
    ledger: Path | None = None
    vary: tuple = ()  # sweeps.Axis per varied parameter (the ledger's ``vary``)
    ledger_sha256: str | None = None  # sha256 of the ledger file's bytes as read

    @property
    def key(self) -> str:
        """Unique across ledgers: a claim id is unique within its article only."""
        return f"{self.article_id}/{self.id}"


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str
    measured_value: float | None
    measured_detail: str
    rounded_verdict: str | None
    evidence: list[tuple[str, float | None, str]] = field(default_factory=list)
    as_of: date | None = None  # the as-of date of the data the claim's query read

    @property
    def changed(self) -> bool:
        return self.verdict != self.claim.expected

    def as_dict(self) -> dict:
        c = self.claim
        return {"article_id": c.article_id, "id": c.id, "statement": c.statement,
                "measured": self.measured_value, "verdict": self.verdict,
                "expected": c.expected, "changed": self.changed,
                "measured_item": c.measured, "measured_detail": self.measured_detail,
                "comparison": c.comparison, "rounded_comparison": c.rounded_comparison,
                "rounded_kind": c.rounded_kind, "rounded_reading": c.rounded_reading,
                "rounded_verdict": self.rounded_verdict, "note": c.note,
                "data_as_of": self.as_of, "ledger_sha256": c.ledger_sha256,
                "evidence": [{"item": i, "value": v, "detail": d} for i, v, d in self.evidence]}


def recorded_result(row: dict) -> ClaimResult:
    """A ClaimResult from a ``claim_results`` row (the ledger fields it keeps; no query)."""
    import json

    claim = Claim(id=row["claim_id"], statement=row["statement"], query="", params={},
                  measured=row["measured_item"], comparison=row["comparison"],
                  rounded_comparison=row["rounded_comparison"], expected=row["expected"],
                  note=row["note"] or "", line=0, article_id=row["article_id"],
                  ledger_sha256=row["ledger_sha256"])
    evidence = [(e["item"], e["value"], e["detail"])
                for e in json.loads(row["evidence"] or "[]")]
    return ClaimResult(claim, row["verdict"], row["measured"], row["measured_detail"] or "",
                       row["rounded_verdict"], evidence, as_of=row["prices_as_of"])


# --- comparisons: a small expression grammar, parsed with ast -----------------------------

def _normalise(text: str) -> str:
    # The ledger writes equality as '=' (as SQL does); Python's grammar wants '=='.
    return re.sub(r"(?<![<>!=])=(?!=)", "==", text.strip())


# A ledger comparison is a line a reader can check (the longest bundled one has 41
# characters): longer or deeper ones are refused before Python's parser, which runs out of
# memory or recursion on 10,000 'not's or 5,000 unary minuses.
MAX_COMPARISON_LENGTH = 500
MAX_COMPARISON_DEPTH = 20  # nested not / and / or / parentheses


def parse_comparison(text: str) -> ast.Expression:
    """Parse and vet a comparison; ValueError naming what is not allowed."""
    if len(text) > MAX_COMPARISON_LENGTH:
        raise ValueError(f"{len(text):,} characters long; a comparison has at most "
                         f"{MAX_COMPARISON_LENGTH} ({text[:60]!r}...)")
    nesting = max(_depths(text), default=0)
    if nesting > MAX_COMPARISON_DEPTH:
        raise ValueError(f"parentheses nest {nesting} deep; at most {MAX_COMPARISON_DEPTH} "
                         f"({text[:60]!r}...)")
    try:
        tree = ast.parse(_normalise(text), mode="eval")
    except (SyntaxError, MemoryError, RecursionError):
        raise ValueError(f"cannot read {text!r}: expected comparisons such as 'a > 2.8' joined "
                         "by and / or / not") from None
    _vet(tree.body, text, top=True)
    return tree


def _depths(text: str):
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        yield depth


def _vet(node: ast.AST, text: str, *, top: bool = False, depth: int = 0) -> None:
    allowed = f"allowed: item names, numbers, {' '.join(OPERATORS.values())}, and, or, not"
    if depth > MAX_COMPARISON_DEPTH:
        raise ValueError(f"{text[:60]!r}...: nests and / or / not more than "
                         f"{MAX_COMPARISON_DEPTH} deep")
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _vet(value, text, top=True, depth=depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _vet(node.operand, text, top=True, depth=depth + 1)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in OPERATORS:
                raise ValueError(f"{text!r}: operator {type(op).__name__} is not allowed; "
                                 + allowed)
        for operand in (node.left, *node.comparators):
            _vet_operand(operand, text, allowed)
    elif top:
        raise ValueError(f"{text!r}: each part must be a comparison (e.g. 'a > 2.8'); "
                         + allowed)


def _vet_operand(node: ast.AST, text: str, allowed: str) -> None:
    if isinstance(node, ast.Name):
        if not ITEM_NAME.fullmatch(node.id):
            raise ValueError(f"{text!r}: {node.id!r} is not an item name ([a-z_][a-z0-9_]*)")
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    raise ValueError(f"{text!r}: {ast.unparse(node)!r} is not an item name or a number; "
                     + allowed)


def operators(text: str) -> list[str]:
    """The comparison operators of a comparison, in order ('a > 1 and b = 2' -> ['>', '='])."""
    tree = parse_comparison(text)
    return [OPERATORS[type(op)] for node in ast.walk(tree) if isinstance(node, ast.Compare)
            for op in node.ops]


def item_names(text: str) -> set[str]:
    return {n.id for n in ast.walk(parse_comparison(text)) if isinstance(n, ast.Name)}


def judge(comparison: str, items: dict[str, float | None]) -> str:
    """Verdict of a comparison over evidence items; unverifiable if any item is missing."""
    tree = parse_comparison(comparison)
    if any(items.get(name) is None for name in item_names(comparison)):
        return "unverifiable"
    return "holds" if _truth(tree.body, items) else "fails"


def _truth(node: ast.AST, items: dict) -> bool:
    if isinstance(node, ast.BoolOp):
        parts = (_truth(v, items) for v in node.values)
        return all(parts) if isinstance(node.op, ast.And) else any(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _truth(node.operand, items)
    left = _value(node.left, items)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _value(comparator, items)
        if not _compare(op, left, right):
            return False
        left = right
    return True


def _value(node: ast.AST, items: dict) -> float:
    if isinstance(node, ast.Name):
        return float(items[node.id])
    if isinstance(node, ast.UnaryOp):
        return -float(node.operand.value)
    return float(node.value)


def _compare(op: ast.cmpop, a: float, b: float) -> bool:
    return {ast.Gt: a > b, ast.GtE: a >= b, ast.Lt: a < b, ast.LtE: a <= b, ast.Eq: a == b,
            ast.NotEq: a != b}[type(op)]


# --- queries and their declared parameters ------------------------------------------------

def query_path(name: str) -> Path | None:
    """The file of claim query ``name`` if the name is allowed and it lies in sql/claims/."""
    if not QUERY_NAME.fullmatch(name):
        return None
    path = (CLAIMS_DIR / f"{name}.sql").resolve()
    if not path.is_relative_to(CLAIMS_DIR.resolve()) or not path.is_file():
        return None
    return path


@cache
def declared_params(name: str) -> dict[str, str]:
    """The parameters a claim query declares in its header: ``-- params: a TEXT, b INTEGER``."""
    text = sqlfiles.query(f"claims/{name}")
    match = re.search(r"^--\s*params:(.*)$", text, re.MULTILINE)
    declared = {}
    for part in filter(None, (p.strip() for p in (match[1] if match else "").split(","))):
        pname, _, ptype = part.partition(" ")
        ptype = ptype.strip().upper() or "TEXT"
        if ptype not in PARAM_TYPES:
            raise ValueError(f"sql/claims/{name}.sql declares {pname} as {ptype}; types are "
                             f"{', '.join(PARAM_TYPES)}")
        declared[pname] = ptype
    return declared


@cache
def is_one_select(name: str) -> bool:
    statements = duckdb.extract_statements(sqlfiles.query(f"claims/{name}"))
    return len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT


def parse_params(text: str, declared: dict[str, str] | None = None) -> dict:
    """'symbol=^HSI; year=2026' -> {'symbol': '^HSI', 'year': 2026 if declared INTEGER}.

    Values are text unless ``declared`` gives another type; with ``declared``, the names must
    be exactly the declared ones."""
    params: dict = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"cannot read parameter {part!r}: expected name=value")
        if name in params:
            raise ValueError(f"parameter {name} is given twice")
        params[name] = value
    if declared is None:
        return params
    missing = [n for n in declared if n not in params]
    unknown = [n for n in params if n not in declared]
    if missing or unknown:
        raise ValueError("the query declares " + (", ".join(declared) or "no parameters")
                         + (f"; missing {', '.join(missing)}" if missing else "")
                         + (f"; not declared: {', '.join(unknown)}" if unknown else ""))
    return {n: _typed(n, v, declared[n]) for n, v in params.items()}


def _typed(name: str, value: str, kind: str):
    try:
        if kind == "INTEGER":
            if not re.fullmatch(r"-?\d+", value):
                raise ValueError
            return int(value)
        if kind == "DOUBLE":
            return float(value)
        if kind == "DATE":
            return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"parameter {name}={value!r} is not of type {kind}") from None
    return value


# --- reading a ledger ---------------------------------------------------------------------

def read_ledger(path: Path, article_id: str = "") -> list[Claim]:
    """Read and validate one ledger; any problem names the file, line and column. Each claim
    carries the sha256 of the file's bytes (``ledger_sha256``), recorded with its verdict so
    the verdict history (view ``claim_history``) can tell an edited ledger from new data."""
    import hashlib

    frame = read_table(path, LEDGER_REQUIRED, LEDGER_OPTIONAL)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    for col in ("id", "statement", "query", "measured", "comparison", "expected"):
        fail_first(path, frame, frame[col] == "", col, "empty; a value is required")
    fail_first(path, frame, ~frame["id"].str.fullmatch(CLAIM_ID.pattern).astype(bool), "id",
               lambda r: f"claim id {r['id']!r} is not letters, digits, _ . - (not starting "
                         "with one of _ . -)")
    fail_first(path, frame, frame["id"].duplicated(), "id",
               lambda r: f"claim id {r['id']!r} appears twice")
    fail_first(path, frame, ~frame["expected"].isin(VERDICTS), "expected",
               lambda r: f"{r['expected']!r} is not one of {', '.join(VERDICTS)}")
    fail_first(path, frame, frame["query"].map(query_path).isna(), "query",
               lambda r: f"{r['query']!r} is not a claim query: a name of letters and _ "
                         "([a-z_]+) of a file in sql/claims/")
    fail_first(path, frame, ~frame["query"].map(is_one_select), "query",
               lambda r: f"sql/claims/{r['query']}.sql must hold exactly one SELECT")
    fail_first(path, frame, ~frame["measured"].str.fullmatch(ITEM_NAME.pattern).astype(bool),
               "measured", lambda r: f"{r['measured']!r} is not an item name")
    return [_claim(path, article_id, row, digest) for row in frame.to_dict("records")]


def _claim(path: Path, article_id: str, row: dict, digest: str | None = None) -> Claim:
    line = int(row[LINE])

    def fail(field_name: str, message: str):
        return InputError(path, message, line=line, field=field_name)

    for col in ("comparison", "rounded_comparison"):
        if row[col]:
            try:
                parse_comparison(row[col])
            except ValueError as exc:
                raise fail(col, str(exc)) from None
    _check_second_reading(row, fail)
    try:
        params = parse_params(row["params"], declared_params(row["query"]))
    except ValueError as exc:
        raise fail("params", f"{exc} (sql/claims/{row['query']}.sql)") from None
    from .sweeps import parse_vary  # sweeps builds on this module

    try:
        vary = parse_vary(row["vary"], query=row["query"], comparison=row["comparison"])
    except ValueError as exc:
        raise fail("vary", str(exc)) from None
    return Claim(row["id"], row["statement"], row["query"], params, row["measured"],
                 row["comparison"], row["rounded_comparison"] or None, row["expected"],
                 row["note"], line, article_id=article_id,
                 rounded_kind=row["rounded_kind"] or None,
                 rounded_reading=row["rounded_reading"] or None, ledger=path, vary=vary,
                 ledger_sha256=digest)


def _check_second_reading(row: dict, fail) -> None:
    """A rounded reading keeps the operators; one that does not is declared 'looser'; both say
    in words what they test."""
    second, kind, words = row["rounded_comparison"], row["rounded_kind"], row["rounded_reading"]
    if not second:
        for col in ("rounded_kind", "rounded_reading"):
            if row[col]:
                raise fail(col, "set, but there is no rounded_comparison")
        return
    if kind not in READING_KINDS:
        raise fail("rounded_kind", f"{kind!r} is not one of {', '.join(READING_KINDS)} "
                                   "(required with a rounded_comparison)")
    if not words:
        raise fail("rounded_reading", "empty; say in words what the second reading tests")
    ops, second_ops = operators(row["comparison"]), operators(second)
    if kind == "rounded" and ops != second_ops:
        raise fail("rounded_comparison",
                   f"a rounded reading keeps the comparison's operators ({' '.join(ops)}) but "
                   f"{second!r} uses {' '.join(second_ops)}; 'more than 2.8' read at one "
                   "decimal is still '> 2.8'. A reading that changes the operator is a looser "
                   "one: set rounded_kind to looser and say so in rounded_reading")


# --- measuring ------------------------------------------------------------------------------

def evaluate(con: duckdb.DuckDBPyConnection, claims: list[Claim]) -> list[ClaimResult]:
    results = []
    for claim in claims:
        try:
            rows = con.execute(sqlfiles.query(f"claims/{claim.query}"), claim.params).fetchall()
        except duckdb.Error as exc:
            raise InputError(claim.ledger, f"claim {claim.id}: query {claim.query} failed with "
                             f"these params: {str(exc).splitlines()[0]}", line=claim.line,
                             field="params") from None
        items = {item: (None if value is None else float(value)) for item, value, *_ in rows}
        details = {item: detail for item, _, detail, *_ in rows}
        dates = [r[3] for r in rows if len(r) > 3 and r[3] is not None]
        results.append(ClaimResult(
            claim=claim,
            verdict=judge(claim.comparison, items),
            measured_value=items.get(claim.measured),
            measured_detail=details.get(claim.measured) or "no data",
            rounded_verdict=(judge(claim.rounded_comparison, items)
                             if claim.rounded_comparison else None),
            evidence=[(i, None if v is None else float(v), d) for i, v, d, *_ in rows],
            as_of=max(dates) if dates else None,
        ))
    return results
