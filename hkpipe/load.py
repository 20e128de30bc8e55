"""Writes into a build connection: price upserts with run records, and seed replacement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from . import sqlfiles
from .prices import PRICE_COLUMNS


def utc_now() -> datetime:
    """Naive UTC wall-clock time, as stored in TIMESTAMP columns.

    Only for audit facts: when a load ran (``loaded_at``, ``started_at``), when a claim was
    checked or a suite validated, and run ids. These record when something really happened, so
    they deliberately ignore HKPIPE_NOW: replaying a past day must not back-date the audit
    trail. Every "today"/"now" that decides something comes from ``settings.clock``.
    """
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LoadResult:
    symbol: str
    source: str
    rows_received: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_kept: int
    first_date: date | None
    last_date: date | None

    def describe(self) -> str:
        span = f"{self.first_date}..{self.last_date}" if self.first_date else "no rows"
        kept = (f"; {self.rows_kept} not the day's price (a source of higher precedence "
                "has it)" if self.rows_kept else "")
        return (f"{self.symbol} from {self.source}: {self.rows_received} rows {span}; "
                f"{self.rows_inserted} new, {self.rows_updated} updated, "
                f"{self.rows_unchanged} unchanged{kept}")


def upsert_prices(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, source: str,
                  run_id: str, command: str) -> list[LoadResult]:
    """Store a validated price frame as ``source``'s observations, re-resolve the days it
    touches in ``prices`` (precedence: ``source_rank``), and record one ``load_runs`` row per
    symbol.

    Set-based: the batch is staged once and classified against this source's stored
    observations; new ones are inserted and changed ones updated, one statement each; the
    touched days are resolved in one grouping, then inserted or updated (a first load of its
    symbols skips the resolution: each row is its day's only observation). Observations that did
    not change beyond rounding noise, and resolved rows that did not change, are not written.
    """
    started = utc_now()
    con.register("price_batch", frame[PRICE_COLUMNS])
    try:
        con.execute(sqlfiles.query("load/prices_stage"), {"source": source})
    finally:
        con.unregister("price_batch")
    con.execute(sqlfiles.query("load/observations_classify"))
    counts = con.execute(sqlfiles.query("load/observations_counts")).fetchall()
    stamp = {"loaded_at": started}
    first_load = con.execute(sqlfiles.query("load/first_load"), {"source": source}
                             ).fetchone()[0]
    if any(row[2] for row in counts):  # new observations
        con.execute(sqlfiles.query("load/observations_insert"), stamp)
    if any(row[3] for row in counts):  # changed observations
        con.execute(sqlfiles.query("load/observations_update"), stamp)
    kept: dict[str, int] = {}
    if first_load:  # every row is its day's only observation: it is the price
        con.execute(sqlfiles.query("load/prices_insert_staged"), stamp)
    elif any(row[2] or row[3] for row in counts):
        # plain insert and update, no upsert: a load of millions of rows stays within a
        # capped memory (benchmarks/market_scale.py)
        con.execute(sqlfiles.query("load/prices_resolve"))
        con.execute(sqlfiles.query("load/prices_insert"), stamp)
        con.execute(sqlfiles.query("load/prices_update"), stamp)
        con.execute("DROP TABLE stage_resolved")
    if not first_load:
        kept = dict(con.execute(sqlfiles.query("load/prices_kept")).fetchall())
    con.execute("DROP TABLE stage_prices")
    con.execute("DROP TABLE stage_changes")
    finished = utc_now()
    results = []
    for symbol, received, inserted, updated, unchanged, first, last in counts:
        result = LoadResult(symbol, source, received, inserted, updated, unchanged,
                            kept.get(symbol, 0), first, last)
        con.execute(sqlfiles.query("load/load_runs_insert"), {
            "run_id": run_id, "command": command, "source": source, "symbol": symbol,
            "rows_received": received, "rows_inserted": inserted, "rows_updated": updated,
            "rows_unchanged": unchanged, "rows_kept": result.rows_kept, "first_date": first,
            "last_date": last, "started_at": started, "finished_at": finished,
        })
        results.append(result)
    return results


def replace_seed(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Replace a seed table's rows with ``frame`` (via ``sql/load/seed_<table>.sql``)."""
    con.register("seed_batch", frame)
    try:
        con.execute(sqlfiles.query(f"load/seed_{table}"))
    finally:
        con.unregister("seed_batch")
    return len(frame)
