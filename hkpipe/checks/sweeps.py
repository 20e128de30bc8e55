"""Perturbations: a claim re-measured with its parameters moved, to show how fragile it is.

Computational fact-checking by query perturbation (Wu, Agarwal, Li, Yang and Yu, TODS 2017)
re-runs a claim's query with its parameters varied, exposing claims that hold only at one
cut-off. A ledger row declares what to vary in its ``vary`` column; each claim kind's SQL
declares which of its parameters may vary (``-- vary: since, symbol``). The grammar, one
``name=values`` per parameter, ``;`` between them (the variants are every combination):

- ``since=1987..2025``: every integer of a range; ``threshold=2.5..3.0/0.1``: with a step;
- ``as_of=2023-12-31..2025-12-31/month``: dates by ``day``, ``month``, ``quarter`` or ``year``
  (a month end steps to month ends);
- ``symbol=^HSI|HSTECH.HK``: a list;
- two names every kind allows: ``threshold`` replaces the comparison's one number (``broad >
  400`` -> ``broad > 380``), and ``measured`` the measured item (``measured=core|broad``
  judges ``core > 400``, ``broad > 400``).

At most ``MAX_VARIANTS`` variants per claim. The variants of one claim run as one query: the
kind's SQL becomes a temporary table macro called LATERAL over a table of the variants, so a
sweep costs one statement, not one per variant; a kind whose SQL DuckDB cannot run that way
falls back to a prepared query per variant on the same connection.

The summary per claim:

- ``margin``: how far the headline measurement is from deciding the other way, in the
  claim's unit. Each comparison that reads the measured item is turned to read it on the left
  (``measured OP other``); its margin is ``measured - other`` for ``>``, ``>=``, ``=`` and
  ``!=``, ``other - measured`` for ``<`` and ``<=``, so a positive margin means that part
  holds. A claim's margin is the smallest of its parts (the binding one). +2.76% against
  ``change > 2.8`` has margin -0.04. A comparison that does not read the measured item
  (``abs_gap_pct <= 5`` for a count) gives the margin of the first item it compares, named in
  ``margin_item``.
- ``agree_share``: the share of variants whose verdict is the headline verdict.
- ``boundary``: where the verdict changes along the last varied parameter (the others
  grouped), in words: ``holds for since 2013; fails for since 1987-2012, 2014-2025``.
"""

from __future__ import annotations

import ast
import calendar as pycalendar
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import duckdb

from .. import sqlfiles
from ..errors import InputError
from .claims import (
    OPERATORS,
    Claim,
    ClaimResult,
    _typed,
    declared_params,
    judge,
    parse_comparison,
)

MAX_VARIANTS = 500  # per claim: a grid a reader can still scan, and a sweep of a few seconds
PSEUDO = ("threshold", "measured")  # varied in the ledger's comparison, not in the query
DATE_STEPS = ("day", "month", "quarter", "year")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Axis:
    """One varied parameter: its name and its values, in order."""

    name: str
    values: tuple

    def label(self, value) -> str:
        return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class Variant:
    params: dict  # the varied parameters only
    measured: float | None
    verdict: str


@dataclass
class Sweep:
    """A claim's robustness: its margin, and its variants when the ledger declares some."""

    result: ClaimResult
    margin: float | None
    margin_item: str | None
    axes: tuple[Axis, ...] = ()
    variants: list[Variant] = field(default_factory=list)

    @property
    def claim(self) -> Claim:
        return self.result.claim

    @property
    def agreeing(self) -> int:
        return sum(v.verdict == self.result.verdict for v in self.variants)

    @property
    def agree_share(self) -> float | None:
        return self.agreeing / len(self.variants) if self.variants else None

    @property
    def boundary(self) -> str:
        return boundary(self.axes, self.variants, self.result.verdict)

    def as_dict(self) -> dict:
        return {"article_id": self.claim.article_id, "claim_id": self.claim.id,
                "verdict": self.result.verdict, "measured_item": self.claim.measured,
                "margin": self.margin, "margin_item": self.margin_item,
                "vary": vary_text(self.axes) or None,
                "variants": len(self.variants), "agreeing": self.agreeing,
                "agree_share": self.agree_share, "boundary": self.boundary or None}


# --- the ledger's declaration --------------------------------------------------------------

@cache
def declared_vary(query: str) -> tuple[str, ...]:
    """The parameters claim query ``query`` lets a ledger vary (``-- vary: a, b``)."""
    match = re.search(r"^--\s*vary:(.*)$", sqlfiles.query(f"claims/{query}"), re.MULTILINE)
    return tuple(p.strip() for p in (match[1] if match else "").split(",") if p.strip())


def parse_vary(text: str, *, query: str, comparison: str) -> tuple[Axis, ...]:
    """A ledger's ``vary`` text as axes; ValueError saying what is wrong."""
    if not text.strip():
        return ()
    declared = declared_params(query)
    allowed = declared_vary(query)
    axes: list[Axis] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, spec = (s.strip() for s in part.partition("="))
        if not sep or not _NAME.fullmatch(name) or not spec:
            raise ValueError(f"cannot read {part!r}: expected name=a..b, name=a..b/step or "
                             "name=a|b|c")
        if any(a.name == name for a in axes):
            raise ValueError(f"{name} is varied twice")
        if name not in PSEUDO and name not in allowed:
            lets = ", ".join((*allowed, *PSEUDO))
            raise ValueError(f"sql/claims/{query}.sql does not let {name} vary (it declares "
                             f"-- vary: {', '.join(allowed) or 'nothing'}; allowed: {lets})")
        if name == "threshold" and len(_numbers(comparison)) != 1:
            raise ValueError(f"threshold needs a comparison with exactly one number; "
                             f"{comparison!r} has {len(_numbers(comparison))}")
        kind = ("DOUBLE" if name == "threshold" else "TEXT" if name == "measured"
                else declared[name])
        axes.append(Axis(name, _values(name, spec, kind)))
    count = 1
    for axis in axes:
        count *= len(axis.values)
    if count > MAX_VARIANTS:
        raise ValueError(f"{count:,} variants ({' x '.join(str(len(a.values)) for a in axes)}); "
                         f"a claim may have at most {MAX_VARIANTS}")
    return tuple(axes)


def _values(name: str, spec: str, kind: str) -> tuple:
    if ".." not in spec:
        values = [_typed(name, v.strip(), kind) for v in spec.split("|")]
        if name == "measured" and not all(_NAME.fullmatch(v) for v in values):
            raise ValueError(f"measured={spec!r}: each value must be an item name")
        if len(set(values)) != len(values):
            raise ValueError(f"{name}={spec!r} lists a value twice")
        return tuple(values)
    if kind == "TEXT":
        raise ValueError(f"{name} is text: list its values (a|b|c), not a range")
    span, _, step = spec.partition("/")
    low, _, high = (s.strip() for s in span.partition(".."))
    start, end = _typed(name, low, kind), _typed(name, high, kind)
    if end < start:
        raise ValueError(f"{name}={spec!r}: the range ends before it starts")
    if kind == "DATE":
        return tuple(_dates(name, start, end, step.strip() or "day"))
    size = _typed(name, step.strip(), kind) if step.strip() else 1
    if size <= 0:
        raise ValueError(f"{name}={spec!r}: the step must be positive")
    count = int(round((end - start) / size)) + 1
    if count > MAX_VARIANTS:
        raise ValueError(f"{name}={spec!r} gives {count:,} values; a claim may have at most "
                         f"{MAX_VARIANTS} variants")
    values = [start + i * size for i in range(count)]
    return tuple(round(v, 10) if kind == "DOUBLE" else v for v in values if v <= end + 1e-9)


def _dates(name: str, start: date, end: date, step: str) -> list[date]:
    if step not in DATE_STEPS:
        raise ValueError(f"{name}: step {step!r} is not one of {', '.join(DATE_STEPS)}")
    if step == "day":
        if (end - start).days + 1 > MAX_VARIANTS:
            raise ValueError(f"{name}: {(end - start).days + 1:,} days; a claim may have at "
                             f"most {MAX_VARIANTS} variants")
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    month_end = start.day == pycalendar.monthrange(start.year, start.month)[1]
    out, i = [], 0
    while True:
        total = start.year * 12 + start.month - 1 + i * months
        year, month = divmod(total, 12)
        last = pycalendar.monthrange(year, month + 1)[1]
        day = last if month_end else min(start.day, last)
        value = date(year, month + 1, day)
        if value > end:
            return out
        out.append(value)
        i += 1
        if len(out) > MAX_VARIANTS:
            raise ValueError(f"{name}: more than {MAX_VARIANTS} {step}s")


def vary_text(axes: tuple[Axis, ...]) -> str:
    return "; ".join(f"{a.name}={'|'.join(a.label(v) for v in a.values)}" for a in axes)


def _numbers(comparison: str) -> list[ast.Constant]:
    tree = parse_comparison(comparison)
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant)]


def _substituted(comparison: str, params: dict, measured: str) -> tuple[str, str]:
    """The comparison and measured item of a variant (its threshold and measured swapped)."""
    item = params.get("measured", measured)
    text = comparison
    if item != measured:
        text = re.sub(rf"\b{re.escape(measured)}\b", item, text)
    if "threshold" in params:
        text = re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", f"{params['threshold']:g}", text)
    return text, item


# --- the margin -----------------------------------------------------------------------------

def margin(comparison: str, measured: str, items: dict) -> tuple[float | None, str | None]:
    """The smallest oriented distance (positive where it holds) of the comparisons that read
    ``measured``, or, where none does (``abs_gap_pct <= 5`` for a count), of those that read
    the first item compared; and that item. None where a side is unknown."""
    tree = parse_comparison(comparison)
    compares = [n for n in ast.walk(tree) if isinstance(n, ast.Compare)]
    names = [n.id for c in compares for n in (c.left, *c.comparators)
             if isinstance(n, ast.Name)]
    if not names:
        return None, None
    item = measured if measured in names else names[0]
    parts = []
    for node in compares:
        sides = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, sides, sides[1:], strict=False):
            symbol = OPERATORS[type(op)]
            if _is(right, item) and not _is(left, item):
                left, right = right, left
                symbol = {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(symbol, symbol)
            if not _is(left, item):
                continue
            a, b = _side(left, items), _side(right, items)
            if a is None or b is None:
                return None, item
            parts.append(b - a if symbol in ("<", "<=") else a - b)
    return (round(min(parts), 10) if parts else None), item


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _side(node: ast.AST, items: dict) -> float | None:
    if isinstance(node, ast.Name):
        value = items.get(node.id)
        return None if value is None else float(value)
    if isinstance(node, ast.UnaryOp):
        return -float(node.operand.value)
    return float(node.value)


# --- the boundary ---------------------------------------------------------------------------

def boundary(axes: tuple[Axis, ...], variants: list[Variant], headline: str) -> str:
    """Where the verdict changes along the last axis, per combination of the others."""
    if not axes or not variants:
        return ""
    last, groups = axes[-1], axes[:-1]
    lines = []
    for key in itertools.product(*(a.values for a in groups)):
        fixed = dict(zip((a.name for a in groups), key, strict=True))
        along = [v for v in variants if all(v.params[n] == x for n, x in fixed.items())]
        along.sort(key=lambda v: last.values.index(v.params[last.name]))
        runs: dict[str, list[list]] = {}
        for verdict, run in itertools.groupby(along, key=lambda v: v.verdict):
            values = [v.params[last.name] for v in run]
            runs.setdefault(verdict, []).append([values[0], values[-1]])
        order = sorted(runs, key=lambda v: (v != headline, v))
        text = "; ".join(
            f"{verdict} for {last.name} " + ", ".join(
                last.label(a) if a == b else f"{last.label(a)} to {last.label(b)}"
                for a, b in runs[verdict]) for verdict in order)
        head = ", ".join(f"{n}={a.label(x)}" for (n, x), a in zip(fixed.items(), groups,
                                                                 strict=True))
        lines.append(f"{head}: {text}" if head else text)
    return " | ".join(lines)


# --- running --------------------------------------------------------------------------------

def sweep(con: duckdb.DuckDBPyConnection, results: list[ClaimResult], *,
          variants: bool = True) -> list[Sweep]:
    """Every claim's margin and, with ``variants``, the variants of those whose ledger
    declares some."""
    out = []
    for result in results:
        claim = result.claim
        items = {i: v for i, v, _ in result.evidence}
        done = Sweep(result, *margin(claim.comparison, claim.measured, items),
                     axes=claim.vary if variants else ())
        if done.axes:
            done.variants = _variants(con, claim)
        out.append(done)
    return out


def _grid(claim: Claim) -> list[dict]:
    names = [a.name for a in claim.vary]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(a.values for a in claim.vary))]


def _variants(con: duckdb.DuckDBPyConnection, claim: Claim) -> list[Variant]:
    grid = _grid(claim)
    queried = [{**claim.params, **{k: v for k, v in g.items() if k not in PSEUDO}}
               for g in grid]
    try:
        evidence = _batched(con, claim.query, queried)
    except duckdb.Error:  # a kind DuckDB cannot run as a LATERAL macro: one query each
        evidence = [_one(con, claim, p) for p in queried]
    out = []
    for varied, items in zip(grid, evidence, strict=True):
        comparison, measured = _substituted(claim.comparison, varied, claim.measured)
        out.append(Variant(varied, items.get(measured), judge(comparison, items)))
    return out


def _batched(con: duckdb.DuckDBPyConnection, query: str, params: list[dict]) -> list[dict]:
    """Every variant's evidence items in one statement: the kind's SQL as a temporary table
    macro, called LATERAL over the variants."""
    import pandas as pd

    names = list(declared_params(query))
    con.execute(sqlfiles.sweep_macro(query, names))
    frame = pd.DataFrame([{f"sweep_{n}": p[n] for n in names} for p in params])
    frame.insert(0, "sweep_variant", range(len(params)))
    for n in names:  # typed as the query declares, so a DATE is compared as a date
        if declared_params(query)[n] == "DATE":
            frame[f"sweep_{n}"] = pd.to_datetime(frame[f"sweep_{n}"]).dt.date
    con.register("sweep_variants", frame)
    try:
        rows = con.execute(sqlfiles.sweep_call(query, names)).fetchall()
    finally:
        con.unregister("sweep_variants")
    out: list[dict] = [{} for _ in params]
    for variant, item, value in rows:
        out[variant][item] = None if value is None else float(value)
    return out


def _one(con: duckdb.DuckDBPyConnection, claim: Claim, params: dict) -> dict:
    try:
        rows = con.execute(sqlfiles.query(f"claims/{claim.query}"), params).fetchall()
    except duckdb.Error as exc:
        raise InputError(claim.ledger, f"claim {claim.id}: a variant ({params}) of query "
                         f"{claim.query} failed: {str(exc).splitlines()[0]}", line=claim.line,
                         field="vary") from None
    return {item: (None if value is None else float(value)) for item, value, *_ in rows}
