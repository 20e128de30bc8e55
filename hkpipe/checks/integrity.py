"""Integrity checks: one SQL file per rule in ``sql/checks``, each counting violations."""

from __future__ import annotations

import duckdb

from .. import sqlfiles
from . import CheckResult

MAX_EXAMPLES = 5


def run(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    results = []
    for path in sqlfiles.folder("checks"):
        violations, examples = con.execute(sqlfiles.query(f"checks/{path.stem}")).fetchall()[0]
        if violations:
            shown = ", ".join((examples or "").split(", ")[:MAX_EXAMPLES])
            detail = f"{violations} violating row(s), e.g. {shown}"
        else:
            detail = "no violations"
        results.append(CheckResult(f"integrity:{path.stem}", not violations, detail))
    return results
