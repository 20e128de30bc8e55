"""What a warehouse holds, read without changing it: schema version and pending migrations,
storage format, the sources it was built with, how far each symbol's prices and each stock
source reach, and the last load and check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import sqlfiles
from ..errors import PipelineError
from . import migrations, publish


@dataclass
class WarehouseStatus:
    path: Path
    exists: bool
    schema: migrations.State
    storage_version: str | None = None
    prices: list[dict] = field(default_factory=list)
    stocks: list[dict] = field(default_factory=list)  # per stock source (schema 0005 on)
    sources: list[dict] = field(default_factory=list)  # the registry it was built with (0007)
    last_load: dict | None = None
    last_check: dict | None = None
    unreadable: str | None = None  # why the data could not be summarised (a newer schema)

    @property
    def problem(self) -> str | None:
        """Why this code must not write the warehouse (newer schema, edited migration)."""
        try:
            migrations.verify(self.schema, self.path)
        except PipelineError as exc:
            return str(exc)
        return None

    def as_dict(self) -> dict:
        s = self.schema
        return {
            "warehouse": str(self.path), "exists": self.exists,
            "storage_version": self.storage_version,
            "schema_version": s.version, "code_schema_version": s.latest,
            "written_before_migrations": s.legacy,
            "applied": [{"migration": a.label, "checksum": a.checksum,
                         "applied_at": a.applied_at, "adopted": a.adopted} for a in s.applied],
            "pending": [m.label for m in s.pending],
            "problem": self.problem,
            "sources": self.sources,
            "prices": self.prices, "stocks": self.stocks, "last_load": self.last_load,
            "last_check": self.last_check,
            "unreadable": self.unreadable,
        }


def read(path: Path) -> WarehouseStatus:
    """Summarise ``path`` through a read-only connection (analysts' readers are not disturbed)."""
    path = Path(path)
    if not path.exists():
        return WarehouseStatus(path, False, migrations.State(list(migrations.available())))
    # read whole before describing it: a truncated copy opens and would look healthy
    con = publish.connect_read_only(path, verify=True)
    try:
        out = WarehouseStatus(path, True, migrations.read_state(con))
        out.storage_version = con.execute(
            sqlfiles.query("status/storage_version")).fetchone()[0]
        try:
            out.prices = sqlfiles.records(con, "status/price_as_of")
            out.last_load = next(iter(sqlfiles.records(con, "status/last_load")), None)
            out.last_check = next(iter(sqlfiles.records(con, "status/last_check")), None)
        except duckdb.Error as exc:  # a schema this code does not know
            out.unreadable = str(exc).splitlines()[0]
        try:
            out.stocks = sqlfiles.records(con, "status/stock_as_of")
        except duckdb.CatalogException:
            pass  # migrations 0005 and 0006 are still pending: no stock tables yet
        try:
            out.sources = sqlfiles.records(con, "status/sources")
        except duckdb.CatalogException:
            pass  # migration 0007 is still pending: no source registry yet
        return out
    finally:
        con.close()
