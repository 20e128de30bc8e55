"""Orchestration overhead: the daily Prefect flow on the bundled snapshot against a trivial
two-task flow, both under the same Prefect settings in one process (one temporary server).
Prints one JSON object.

    python benchmarks/orchestration.py --warehouse BUILT.duckdb --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True,
                        help="a warehouse built by `hkpipe run` (copied, never changed)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="hkpipe-prefect-"))
    os.environ.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
                       "PREFECT_LOGGING_LEVEL": "WARNING"})
    from prefect import flow, task

    from flows.daily_refresh import daily_refresh

    @task
    def one() -> int:
        return 1

    @task
    def two(x: int) -> int:
        return x + 1

    @flow(name="trivial-two-task")
    def trivial() -> int:
        return two(one())

    trivial()  # starts the temporary server; not timed
    live = home / "warehouse.duckdb"
    shutil.copyfile(args.warehouse, live)
    daily_refresh(warehouse=str(live), source="snapshot", write_report=False)  # warm

    def timed(fn) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    trivial_s = [timed(trivial) for _ in range(args.runs)]
    daily_s = [timed(lambda: daily_refresh(warehouse=str(live), source="snapshot",
                                           write_report=False)) for _ in range(args.runs)]
    print(json.dumps({"trivial_flow_s": round(statistics.median(trivial_s), 3),
                      "daily_flow_s": round(statistics.median(daily_s), 3),
                      "runs": args.runs}))
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
