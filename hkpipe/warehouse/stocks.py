"""Bundled daily stock prices (seeds/stocks/*.csv.gz) into ``stock_prices``.

Each vendor file is one source and is loaded whole: read by DuckDB, typed, into a temporary
stage, every rule checked there in one query (``sql/load/stock_stage_violations.sql``, which
names the line and field of the first bad row), then the source's rows are replaced in one
insert; all of it under a memory limit that does not grow with the file (``STOCK_MEMORY_MB``).
A file that has not changed since its last load (same bytes, same curated listings) is
skipped. Nothing here commits on its own: it runs inside a build (``warehouse.build``),
so a bad file publishes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from .. import bounds, sqlfiles
from ..errors import InputError, PipelineError
from ..prices import STOCK_COLUMNS
from ..settings import utc_now
from ..sources.snapshot import BUNDLED
from .writes import LoadResult

LISTINGS_SEED = "new_economy_listings.csv"
# What bounds reading, checking and storing a bundled file whatever its size: DuckDB's memory
# limit meanwhile, STOCK_MEMORY_MB, or STOCK_THREAD_MEMORY_MB for each DuckDB thread if that is
# more (its CSV reader and the checks' sorts need a share a thread); beyond it DuckDB spills
# to the build's temporary folder. The build's own limit is restored for the key's rebuild:
# DuckDB holds an index in memory while it builds it, about 130 bytes a stored row, which a
# limit would turn into a failure. docs/performance.md gives the peaks.
STOCK_MEMORY_MB = 128
STOCK_THREAD_MEMORY_MB = 32


@dataclass(frozen=True)
class StockLoad:
    source: str
    path: Path
    rows: int
    listings: int
    skipped: bool  # unchanged since the last load

    def describe(self) -> str:
        if self.skipped:
            return (f"stocks from {self.source}: {self.path.name} unchanged, {self.rows} rows "
                    f"of {self.listings} listings kept")
        return f"stocks from {self.source}: {self.rows} rows of {self.listings} listings loaded"


def _digest(path: Path, seeds_dir: Path) -> str:
    with open(path, "rb") as handle:  # in blocks, not the whole file at once
        digest = hashlib.file_digest(handle, "sha256")
    digest.update((seeds_dir / LISTINGS_SEED).read_bytes())
    return digest.hexdigest()


def _check_header(path: Path) -> None:
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            header = handle.readline().rstrip("\r\n").split(",")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable gzip-compressed CSV file ({exc})") from exc
    if tuple(header) != STOCK_COLUMNS:
        raise InputError(path, f"header is {','.join(header)!r}; expected "
                               f"{','.join(STOCK_COLUMNS)!r}", line=1)


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CSV_COLUMN = re.compile(r'converting column "([^"]+)"\. (Could not convert [^\n]*)')


def _stage(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    _check_header(path)
    try:
        # Typed, in file order (the stage's rowid is the data line's index), so every rule
        # in stock_stage_violations can name the line it failed on.
        con.execute(sqlfiles.query("load/stock_stage"), {"path": str(path)})
    except duckdb.OutOfMemoryException as exc:  # not the file's fault: exit 3, not 2
        raise PipelineError(f"{path}: out of memory while staging it ({str(exc).splitlines()[0]}"
                            "); raise STOCK_MEMORY_MB in hkpipe/warehouse/stocks.py") from exc
    except duckdb.Error as exc:
        text = str(exc)
        line, column = _CSV_LINE.search(text), _CSV_COLUMN.search(text)
        if column:
            raise InputError(path, column.group(2).rstrip(".").replace("'DOUBLE'", "a number")
                             .replace("'DATE'", "a date (YYYY-MM-DD)"),
                             line=int(line.group(1)) if line else None,
                             field=column.group(1)) from exc
        raise InputError(path, f"cannot be read as CSV: {text.splitlines()[0]}",
                         line=int(line.group(1)) if line else None) from exc


def load_bundled(con: duckdb.DuckDBPyConnection, seeds_dir: Path, *, today: date,
                 run_id: str, command: str) -> tuple[list[StockLoad], list[LoadResult]]:
    """Load every bundled stock file whose content or listings changed; validate first.

    The key index is dropped before the first changed file is stored and rebuilt once after
    the last (a duplicate would fail the rebuild, and with it the build). The files are staged,
    checked and stored under a memory limit that does not grow with them (STOCK_MEMORY_MB);
    the rebuild runs under the build's own."""
    loads, results = [], []
    limit, threads = con.execute(sqlfiles.query("meta/limits_get")).fetchone()
    cap = max(STOCK_MEMORY_MB, STOCK_THREAD_MEMORY_MB * int(threads))
    con.execute(sqlfiles.query("meta/set_memory_limit"), {"limit": f"{cap}MB"})
    try:
        stored = _load_changed(con, seeds_dir, today, run_id, command, loads, results)
    finally:
        # DuckDB reads a limit back rounded (3GB reads 2.7 GiB): the default is reset exactly;
        # a limit the build set itself is set again as read, up to 0.1 GiB lower
        if limit == _default_memory_limit():
            con.execute(sqlfiles.query("meta/reset_memory_limit"))
        else:
            con.execute(sqlfiles.query("meta/set_memory_limit"), {"limit": limit})
    if stored:  # under the build's own limit: an index is held in memory while it is built
        con.execute(sqlfiles.query("load/stock_key_create"))
    return loads, results


def _default_memory_limit() -> str:
    with duckdb.connect() as fresh:
        return fresh.execute(sqlfiles.query("meta/limits_get")).fetchone()[0]


def _load_changed(con, seeds_dir, today, run_id, command, loads, results) -> bool:
    """Stage, check and store each changed file (its key dropped first); True if any was."""
    keyed = True
    for source, name in BUNDLED.items():
        path = Path(seeds_dir) / name
        if not path.exists():
            raise InputError(path, "missing: the bundled stock prices are part of the seeds")
        digest = _digest(path, Path(seeds_dir))
        key = f"stocks:{source}"
        stored = con.execute(sqlfiles.query("load/meta_get"), {"key": key}).fetchall()
        if stored and stored[0][0] == digest:
            rows, listings = con.execute(sqlfiles.query("load/stock_source_size"),
                                         {"source": source}).fetchall()[0]
            loads.append(StockLoad(source, path, rows, listings, skipped=True))
            continue
        started = utc_now()
        _stage(con, path)
        bad = con.execute(sqlfiles.query("load/stock_stage_violations"),
                          {"source": source, "today": today,
                           **bounds.stage_parameters()}).fetchall()
        if bad:
            line, field, message, count = bad[0]
            more = f" (and {count - 1} more row(s) like it)" if count > 1 else ""
            raise InputError(path, message + more, line=line, field=field)
        if keyed:
            con.execute(sqlfiles.query("load/stock_key_drop"))
            keyed = False
        con.execute(sqlfiles.query("load/stock_delete_source"), {"source": source})
        con.execute(sqlfiles.query("load/stock_insert_stage"),
                    {"source": source, "loaded_at": utc_now()})
        rows, listings, first, last = con.execute(
            sqlfiles.query("load/stock_stage_size")).fetchall()[0]
        con.execute(sqlfiles.query("load/meta_set"), {"key": key, "value": digest})
        result = LoadResult("stocks", source, rows, rows, 0, 0, 0, first, last)
        con.execute(sqlfiles.query("load/load_runs_insert"), {
            "run_id": run_id, "command": command, "source": source, "symbol": "stocks",
            "rows_received": rows, "rows_inserted": rows, "rows_updated": 0,
            "rows_unchanged": 0, "rows_kept": 0, "first_date": first, "last_date": last,
            "started_at": started, "finished_at": utc_now()})
        loads.append(StockLoad(source, path, rows, listings, skipped=False))
        results.append(result)
    return not keyed
