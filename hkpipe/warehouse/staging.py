"""A private scratch DuckDB for reading a price file of any size in bounded memory
(``hkpipe import-prices``), before any build.

The file is read in chunks (``prices.stream_price_csv``: every row rule, the file's line and
field named as for a whole file); the rows are appended to a table of a DuckDB in a temporary
folder, then its exact duplicates are dropped and a date given twice with different values is
refused set-wise in SQL (``sql/load/price_stage_*.sql``), as ``prices.validate`` does for a
batch in memory. What comes back holds one row per date: bounded by the calendar, not the file.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from .. import sqlfiles
from ..csvio import CHUNK_ROWS, LINE
from ..errors import InputError
from ..prices import PRICE_COLUMNS, stream_price_csv

# The memory bound of a streamed import: DuckDB's buffer pool for the staged rows is capped
# here (it spills to the scratch folder beyond it), with a fixed number of threads, since each
# needs its share (16 threads fail under 64 MB); the chunks read meanwhile are of
# csvio.CHUNK_ROWS rows. docs/performance.md gives the peak this makes.
STAGE_MEMORY_LIMIT = "64MB"
STAGE_THREADS = 2


def read_price_file(path: str | Path, symbol: str, *, today: date | None = None,
                    chunk_rows: int = CHUNK_ROWS) -> pd.DataFrame:
    """What ``prices.read_price_csv`` returns for ``path`` (sorted by date, exact duplicates
    dropped), read in bounded memory; InputError on the same problems, naming the same line."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="hkpipe-stage-") as folder:
        con = duckdb.connect(str(Path(folder) / "stage.duckdb"))
        try:
            con.execute(sqlfiles.query("meta/set_memory_limit"), {"limit": STAGE_MEMORY_LIMIT})
            con.execute(sqlfiles.query("meta/set_threads"), {"threads": STAGE_THREADS})
            con.execute(sqlfiles.query("load/price_stage_create"))

            def stage(frame: pd.DataFrame) -> None:
                con.register("price_chunk", frame[[LINE, *PRICE_COLUMNS]])
                try:
                    con.execute(sqlfiles.query("load/price_stage_append"))
                finally:
                    con.unregister("price_chunk")

            stream_price_csv(path, symbol, stage, today=today, chunk_rows=chunk_rows)
            clash = con.execute(sqlfiles.query("load/price_stage_clash")).fetchone()
            if clash:
                day, line, lines = clash
                raise InputError(path, f"{day} appears more than once with different values "
                                 f"(lines {lines})", line=line, field="date")
            frame = con.execute(sqlfiles.query("load/price_stage_rows")).df()
        finally:
            con.close()
    frame["trade_date"] = frame["trade_date"].astype("datetime64[ns]")
    return frame
