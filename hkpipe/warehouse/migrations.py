"""Versioned schema migrations: ordered SQL files in ``sql/migrations/``, each applied once.

A migration is ``sql/migrations/NNNN_name.sql``. The warehouse records every applied one in
``schema_migrations`` (version, name, checksum, time), so a warehouse that a team keeps for
months is upgraded in place, inside the normal build, and keeps its history:

- pending migrations run in version order on the build's private copy (``warehouse.build``),
  which is the unit of atomicity: a failing one publishes nothing (``MigrationError``, exit 3).
  No explicit transaction: DuckDB refuses "add a column, fill it, SET NOT NULL" on a table
  with a primary key inside one ("Cannot create index with outstanding updates");
- an applied migration whose file has changed since is refused (checksum, exit 2);
- a warehouse that records a version this code does not know is refused (exit 2): no silent
  downgrade;
- a warehouse written before migrations existed (tables, no ``schema_migrations``) adopts the
  baseline, which re-creates nothing, and is then checked column by column against a fresh one.

A small runner rather than a library: yoyo-migrations has no DuckDB backend and records no
content checksum, Alembic works through SQLAlchemy and duckdb-engine (which the pipeline does not
otherwise need) and writes migrations in Python; neither runs on the connection a build already
holds, which is what keeps an upgrade inside build-then-publish.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb

from .. import __version__, sqlfiles
from ..errors import InputError, PipelineError
from ..settings import SQL_DIR

MIGRATIONS_DIR = SQL_DIR / "migrations"
FILE_PATTERN = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
LEGACY_TABLES = {"prices", "load_runs", "claim_results", "pipeline_meta"}


class MigrationError(PipelineError):
    """A migration failed on the build copy; nothing was published."""


class _Labelled:
    version: int
    name: str

    @property
    def label(self) -> str:
        """The file name without .sql: 0002_views_digest."""
        return f"{self.version:04d}_{self.name}"


@dataclass(frozen=True)
class Migration(_Labelled):
    version: int
    name: str
    path: Path
    checksum: str


@dataclass(frozen=True)
class Applied(_Labelled):
    version: int
    name: str
    checksum: str
    applied_at: datetime
    adopted: bool


@dataclass
class State:
    """What a warehouse records against what this code ships."""

    known: list[Migration]
    applied: list[Applied] = field(default_factory=list)
    legacy: bool = False  # tables written before migrations existed, no schema_migrations

    @property
    def version(self) -> int:
        return max((a.version for a in self.applied), default=0)

    @property
    def latest(self) -> int:
        return max((m.version for m in self.known), default=0)

    @property
    def pending(self) -> list[Migration]:
        done = {a.version for a in self.applied}
        return [m for m in self.known if m.version not in done]

    @property
    def unknown(self) -> list[Applied]:
        """Applied migrations this code does not ship: written by a newer (or other) version."""
        known = {m.version for m in self.known}
        return [a for a in self.applied if a.version not in known]

    @property
    def edited(self) -> list[tuple[Applied, Migration]]:
        """Applied migrations whose file now differs from what was applied."""
        by_version = {m.version: m for m in self.known}
        return [(a, by_version[a.version]) for a in self.applied
                if a.version in by_version
                and (a.checksum, a.name) != (by_version[a.version].checksum,
                                             by_version[a.version].name)]


def checksum(text: str) -> str:
    # ``text`` is read with universal newlines, so a Windows checkout (autocrlf) hashes the
    # same as a Unix one and is not an "edit".
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def available() -> tuple[Migration, ...]:
    """The migrations this code ships, in version order. A stray or doubled file is a bug.
    Read afresh each time (a few small files), so a checksum always matches the file now."""
    out: dict[int, Migration] = {}
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = FILE_PATTERN.fullmatch(path.name)
        if not match:
            raise PipelineError(f"{path}: a migration is named NNNN_lower_case_name.sql")
        version = int(match[1])
        if version in out:
            raise PipelineError(f"{path}: version {version:04d} is also "
                                f"{out[version].path.name}")
        out[version] = Migration(version, match[2], path, checksum(sqlfiles.file_text(path)))
    return tuple(out.values())


def read_state(con: duckdb.DuckDBPyConnection) -> State:
    state = State(list(available()))
    tables = {r[0] for r in con.execute(sqlfiles.query("meta/base_tables")).fetchall()}
    if "schema_migrations" in tables:
        state.applied = [Applied(*row) for row in
                         con.execute(sqlfiles.query("meta/migrations_applied")).fetchall()]
    else:  # hkpipe's own tables, written before migrations existed
        state.legacy = bool(tables & LEGACY_TABLES)
    return state


def verify(state: State, warehouse: str | Path) -> None:
    """Refuse (exit 2) a warehouse newer than this code, or one whose applied migrations were
    edited since; either way nothing is written."""
    if state.unknown:
        newest = max(state.unknown, key=lambda a: a.version)
        what = (f"newer than this hkpipe {__version__} knows (schema version {state.latest}); "
                "upgrade hkpipe" if newest.version > state.latest else
                f"which this hkpipe {__version__} does not ship (another branch, or a removed "
                "file); use the hkpipe that wrote it")
        raise InputError(warehouse, f"the warehouse is at schema version {state.version} "
                         f"(migration {newest.label}), {what}, or point --warehouse at a "
                         "warehouse this version wrote. Nothing was changed")
    if state.edited:
        done, now = state.edited[0]
        raise InputError(now.path, f"migration {done.label} was applied to {warehouse} on "
                         f"{done.applied_at:%Y-%m-%d %H:%M} UTC with checksum "
                         f"{done.checksum[:12]}, but the file is now {now.label} with "
                         f"checksum {now.checksum[:12]}; restore it and ship the change as a "
                         "new migration. Nothing was changed")


def require_current(con: duckdb.DuckDBPyConnection, warehouse: str | Path) -> State:
    """For read-only commands: the warehouse must be exactly at this code's schema version."""
    state = read_state(con)
    verify(state, warehouse)
    if state.pending:
        raise InputError(warehouse, f"the warehouse is at schema version {state.version} and "
                         f"this hkpipe needs {state.latest} (pending: "
                         f"{', '.join(m.label for m in state.pending)}); run `hkpipe migrate` "
                         "(or any command that writes) to upgrade it, keeping its data")
    return state


def migrate(con: duckdb.DuckDBPyConnection, warehouse: str | Path) -> list[Migration]:
    """Apply the pending migrations on ``con`` (a build copy), each in one transaction."""
    state = read_state(con)
    verify(state, warehouse)
    if not state.pending:
        return []
    from ..settings import utc_now

    had_tables = state.legacy or bool(state.applied)
    con.execute(sqlfiles.query("meta/schema_migrations"))
    for m in state.pending:
        try:
            con.execute(sqlfiles.file_text(m.path))
            con.execute(sqlfiles.query("meta/migration_record"), {
                "version": m.version, "name": m.name, "checksum": m.checksum,
                "applied_at": utc_now(),  # an audit time: when it really happened
                "hkpipe_version": __version__,
                "adopted": state.legacy and m.version == 1})
        except duckdb.Error as exc:
            reason = " ".join(str(exc).split())
            raise MigrationError(f"migration {m.label} ({m.path}) failed on a build copy of "
                                 f"{warehouse}: {reason}; nothing was published, the warehouse "
                                 "is as it was") from None
    if had_tables:
        _assert_conforms(con, warehouse, state.known)
    return state.pending


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Base table -> [(column, type)] in column order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
            sqlfiles.query("meta/table_columns")).fetchall():
        out.setdefault(table, []).append((column, data_type))
    return out


@cache
def fresh_columns(known: tuple[Migration, ...]) -> dict[str, list[tuple[str, str]]]:
    """Tables and columns of a warehouse built from nothing by ``known``."""
    con = duckdb.connect()
    try:
        con.execute(sqlfiles.query("meta/schema_migrations"))
        for m in known:
            con.execute(sqlfiles.file_text(m.path))
        return table_columns(con)
    finally:
        con.close()


def _assert_conforms(con, warehouse, known) -> None:
    """An upgraded warehouse must have exactly the columns a fresh one has, in the same order
    and type (tables hkpipe never made are left alone). Constraints are not compared: no
    release before the baseline changed one."""
    want, have = fresh_columns(tuple(known)), table_columns(con)
    diffs = [f"{t}: has {have.get(t)}, a fresh warehouse has {cols}"
             for t, cols in want.items() if have.get(t) != cols]
    if diffs:
        raise MigrationError(f"{warehouse} does not match the schema after its upgrade "
                             f"({'; '.join(diffs)}); nothing was published. It may come from "
                             "a version older than the baseline")
