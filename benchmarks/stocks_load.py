"""First load of the bundled stock prices against DuckDB's own bulk insert of the same rows.
Prints one JSON object.

The load is `hkpipe.stocks.load_bundled` (stage as text, one validation query, delete and
insert into the keyed `stock_prices`) on a connection to a copy of a migrated warehouse that
already holds the seeds, the calendar and the index prices but no stock prices (built by `hkpipe
load-seeds` from a seeds folder whose stock files hold only their header). The bulk insert is
`CREATE TABLE t AS SELECT * FROM read_csv('<file>')` of both files into a new database file.
Each side ends with a CHECKPOINT, so both have written their rows to disk. Interleaved runs.

    python benchmarks/stocks_load.py --warehouse WITHOUT_STOCKS.duckdb --work DIR --runs 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BULK_TABLES = ("yahoo", "stooq")  # one table per bundled file, in hkpipe.stocks.BUNDLED order
BULK_INSERT = {t: f"CREATE TABLE {t} AS SELECT * FROM read_csv($path)"  # noqa: S608
               for t in BULK_TABLES}
BULK_COUNT = "SELECT (SELECT count(*) FROM yahoo) + (SELECT count(*) FROM stooq)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True,
                        help="a warehouse built without stock prices (copied, never changed)")
    parser.add_argument("--seeds-dir", type=Path, default=ROOT / "seeds",
                        help="the seeds folder whose stocks/*.csv.gz are loaded")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from hkpipe import jobs
    from hkpipe.settings import hk_today
    from hkpipe.warehouse import stocks

    files = [args.seeds_dir / name for name in stocks.BUNDLED.values()]
    times: dict[str, list[float]] = {"load": [], "bulk": []}
    rows = {}
    for i in range(args.runs):  # interleaved, so drift in machine load hits both alike
        target = args.work / f"stocks_load{i}.duckdb"
        shutil.copyfile(args.warehouse, target)
        con = duckdb.connect(str(target))
        started = time.perf_counter()
        loads, _ = stocks.load_bundled(con, args.seeds_dir, today=hk_today(),
                                       run_id=jobs.new_run_id(), command="bench")
        con.execute("CHECKPOINT")
        times["load"].append(time.perf_counter() - started)
        if any(load.skipped for load in loads):
            raise SystemExit("the warehouse already holds these stock files: nothing loaded")
        rows["load"] = sum(load.rows for load in loads)
        con.close()
        target.unlink()

        bulk = args.work / f"stocks_bulk{i}.duckdb"
        con = duckdb.connect(str(bulk))
        started = time.perf_counter()
        for table, path in zip(BULK_TABLES, files, strict=True):
            con.execute(BULK_INSERT[table], {"path": str(path)})
        con.execute("CHECKPOINT")
        times["bulk"].append(time.perf_counter() - started)
        rows["bulk"] = con.execute(BULK_COUNT).fetchone()[0]
        con.close()
        bulk.unlink()
    if rows["load"] != rows["bulk"]:
        raise SystemExit(f"the load stored {rows['load']} rows, the bulk insert {rows['bulk']}")
    print(json.dumps({
        "rows": rows["load"], "files": [str(p.relative_to(args.seeds_dir)) for p in files],
        "load_s": round(statistics.median(times["load"]), 3),
        "bulk_insert_s": round(statistics.median(times["bulk"]), 3),
        "load_runs_s": [round(s, 3) for s in times["load"]],
        "bulk_runs_s": [round(s, 3) for s in times["bulk"]],
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
