"""The claim ledger: each claim measured by a SQL file, judged by a comparison from the ledger.

A ledger row names a query in ``sql/claims/`` with bound parameters. The query returns evidence
rows ``(item, value, detail)``; the ledger's comparison (``change > 2.8``, ``a > b and c >= a``)
over those items gives the verdict: ``holds``, ``fails``, or ``unverifiable`` when an item it
needs is missing or NULL. No verdict is written in code; the ledger is read afresh on every
check, so an edit takes effect at once.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import sqlfiles
from ..csvio import LINE, fail_first, read_table
from ..errors import InputError
from ..settings import SQL_DIR

VERDICTS = ("holds", "fails", "unverifiable")
LEDGER_COLUMNS = ["id", "statement", "query", "params", "measured", "comparison",
                  "rounded_comparison", "expected", "note"]
OPS = {">=": operator.ge, "<=": operator.le, "!=": operator.ne, ">": operator.gt,
       "<": operator.lt, "=": operator.eq}
_CLAUSE = re.compile(r"^\s*([A-Za-z_][\w]*|-?\d+(?:\.\d+)?)\s*(>=|<=|!=|>|<|=)\s*"
                     r"([A-Za-z_][\w]*|-?\d+(?:\.\d+)?)\s*$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


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


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str
    measured_value: float | None
    measured_detail: str
    rounded_verdict: str | None
    evidence: list[tuple[str, float | None, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.verdict != self.claim.expected

    def as_dict(self) -> dict:
        c = self.claim
        return {"id": c.id, "statement": c.statement, "measured": self.measured_value,
                "verdict": self.verdict, "expected": c.expected, "changed": self.changed,
                "measured_item": c.measured, "measured_detail": self.measured_detail,
                "comparison": c.comparison, "rounded_comparison": c.rounded_comparison,
                "rounded_verdict": self.rounded_verdict, "note": c.note,
                "evidence": [{"item": i, "value": v, "detail": d} for i, v, d in self.evidence]}


def recorded_result(row: dict) -> ClaimResult:
    """A ClaimResult from a ``claim_results`` row (the ledger fields it keeps; no query)."""
    import json

    claim = Claim(id=row["claim_id"], statement=row["statement"], query="", params={},
                  measured=row["measured_item"], comparison=row["comparison"],
                  rounded_comparison=row["rounded_comparison"], expected=row["expected"],
                  note=row["note"] or "", line=0)
    evidence = [(e["item"], e["value"], e["detail"])
                for e in json.loads(row["evidence"] or "[]")]
    return ClaimResult(claim, row["verdict"], row["measured"], row["measured_detail"] or "",
                       row["rounded_verdict"], evidence)


def parse_comparison(text: str) -> list[tuple[str, str, str]]:
    """'a > 2.8 and b <= a' -> [('a', '>', '2.8'), ('b', '<=', 'a')]; ValueError if malformed."""
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _CLAUSE.match(part)
        if not m:
            raise ValueError(f"cannot read {part!r}: expected 'item OP item-or-number' with OP "
                             f"one of {', '.join(OPS)}, clauses joined by 'and'")
        clauses.append(m.groups())
    return clauses


def parse_params(text: str) -> dict:
    """'symbol=^HSI; year=2026' -> {'symbol': '^HSI', 'year': 2026}."""
    params = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"cannot read parameter {part!r}: expected name=value")
        params[name] = (int(value) if re.fullmatch(r"-?\d+", value)
                        else float(value) if _NUMBER.match(value) else value)
    return params


def read_ledger(path: Path) -> list[Claim]:
    """Read and validate the ledger; any problem names the file, line and column."""
    frame = read_table(path, LEDGER_COLUMNS[:6] + ["expected"],
                       ["rounded_comparison", "note"])
    for col in ("id", "statement", "query", "measured", "comparison", "expected"):
        fail_first(path, frame, frame[col] == "", col, "empty; a value is required")
    fail_first(path, frame, frame["id"].duplicated(), "id",
               lambda r: f"claim id {r['id']!r} appears twice")
    fail_first(path, frame, ~frame["expected"].isin(VERDICTS), "expected",
               lambda r: f"{r['expected']!r} is not one of {', '.join(VERDICTS)}")
    fail_first(path, frame, ~frame["query"].map(lambda q: (SQL_DIR / "claims" /
                                                           f"{q}.sql").is_file()), "query",
               lambda r: f"no file sql/claims/{r['query']}.sql")
    claims = []
    for row in frame.to_dict("records"):
        line = int(row[LINE])
        for col in ("comparison", "rounded_comparison"):
            if row[col]:
                try:
                    parse_comparison(row[col])
                except ValueError as exc:
                    raise InputError(path, str(exc), line=line, field=col) from None
        try:
            params = parse_params(row["params"])
        except ValueError as exc:
            raise InputError(path, str(exc), line=line, field="params") from None
        claims.append(Claim(row["id"], row["statement"], row["query"], params, row["measured"],
                            row["comparison"], row["rounded_comparison"] or None,
                            row["expected"], row["note"], line))
    return claims


def judge(comparison: str, items: dict[str, float | None]) -> str:
    """Verdict of a comparison over evidence items; unverifiable if any item is missing."""
    def value(token):
        if _NUMBER.match(token):
            return float(token)
        return items.get(token)

    ok = True
    for lhs, op, rhs in parse_comparison(comparison):
        a, b = value(lhs), value(rhs)
        if a is None or b is None:
            return "unverifiable"
        ok = ok and OPS[op](a, b)
    return "holds" if ok else "fails"


def evaluate(con: duckdb.DuckDBPyConnection, claims: list[Claim], ledger: Path
             ) -> list[ClaimResult]:
    results = []
    for claim in claims:
        try:
            rows = con.execute(sqlfiles.query(f"claims/{claim.query}"), claim.params).fetchall()
        except duckdb.Error as exc:
            raise InputError(ledger, f"claim {claim.id}: query {claim.query} failed with these "
                             f"params: {str(exc).splitlines()[0]}", line=claim.line,
                             field="params") from None
        items = {item: (None if value is None else float(value)) for item, value, _ in rows}
        details = {item: detail for item, _, detail in rows}
        results.append(ClaimResult(
            claim=claim,
            verdict=judge(claim.comparison, items),
            measured_value=items.get(claim.measured),
            measured_detail=details.get(claim.measured) or "no data",
            rounded_verdict=(judge(claim.rounded_comparison, items)
                             if claim.rounded_comparison else None),
            evidence=[(i, None if v is None else float(v), d) for i, v, d in rows],
        ))
    return results
