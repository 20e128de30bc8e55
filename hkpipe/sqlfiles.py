"""Named SQL from the ``sql/`` folder: one query, view or table per file, bound parameters only."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .settings import SQL_DIR


@cache
def query(name: str) -> str:
    """The text of ``sql/<name>.sql`` (``name`` may contain a sub-folder, e.g. 'load/x')."""
    return file_text(SQL_DIR / f"{name}.sql")


def records(con, name: str, params: dict | None = None) -> list[dict]:
    """The rows of named query ``name`` run on ``con`` with ``params``, one dict a row."""
    cursor = con.execute(query(name), params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def file_text(path: Path) -> str:
    """The text of one .sql file, read afresh (a migration is checksummed as it is now)."""
    return path.read_text(encoding="utf-8")


def folder(name: str) -> list[Path]:
    """The .sql files of ``sql/<name>/`` in the order they are applied (by file name)."""
    return sorted((SQL_DIR / name).glob("*.sql"))


def apply_folder(con, name: str) -> None:
    """Run every file of ``sql/<name>/``; each file is idempotent (IF NOT EXISTS / OR REPLACE).

    A view may use a view that sorts after it: a file that names a missing object is retried
    after the others, until a round makes no progress (then its error is raised)."""
    import duckdb

    pending = folder(name)
    while pending:
        deferred, error = [], None
        for path in pending:
            try:
                con.execute(query(f"{name}/{path.stem}"))
            except duckdb.CatalogException as exc:
                deferred.append(path)
                error = exc
        if len(deferred) == len(pending):
            raise error
        pending = deferred


# A claim query as a table macro, for sweeps (hkpipe.checks.sweeps): the file's own text with
# each bound parameter $name turned into the macro's parameter sweep_name; only identifiers
# from the file change, every value still arrives bound (from the registered variants frame).
SWEEP_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def sweep_macro(name: str, params: list[str]) -> str:
    """``CREATE TEMP MACRO`` of claim query ``claims/<name>`` over its declared ``params``."""
    body = SWEEP_PARAM.sub(r"sweep_\1", query(f"claims/{name}")).rstrip().rstrip(";")
    args = ", ".join(f"sweep_{p}" for p in params)
    return f"CREATE OR REPLACE TEMP MACRO hkpipe_sweep_{name}({args}) AS TABLE {body}"


def sweep_call(name: str, params: list[str]) -> str:
    """The macro of ``sweep_macro`` called LATERAL over the registered ``sweep_variants``."""
    args = ", ".join(f"v.sweep_{p}" for p in params)
    return ("SELECT v.sweep_variant, r.item, r.value FROM sweep_variants AS v, "  # noqa: S608
            f"LATERAL hkpipe_sweep_{name}({args}) AS r")
