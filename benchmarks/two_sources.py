"""Checking two sources per index against one: `hkpipe check`, re-validating every suite, on a
warehouse whose ^HSI and HSTECH.HK carry a second source's observation of every day, against
the same warehouse with the snapshot alone. Prints one JSON object.

The second source's bars are the snapshot's own values stored as HKEX observations through the
pipeline's load path (what a full HKEX refresh leaves, minus the network), so the two
warehouses differ only in the observations, and every day is reconciled.

    python benchmarks/two_sources.py --warehouse BUILT.duckdb --runs 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True,
                        help="a warehouse built by `hkpipe run` (copied, never changed)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from hkpipe import jobs, seeds
    from hkpipe.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="hkpipe-two-sources-"))
    one, two = work / "one.duckdb", work / "two.duckdb"
    shutil.copyfile(args.warehouse, one)
    shutil.copyfile(args.warehouse, two)
    settings = Settings.from_env(warehouse=two)
    snapshot = jobs.snapshot_prices(settings, seeds.read_seed(settings.seeds_dir,
                                                              seeds.INDEXES))
    jobs.publish_prices(settings, jobs.Outcome(jobs.new_run_id(), two), [("hkex", snapshot)],
                        command="bench")
    times: dict[str, list[float]] = {"one": [], "two": []}
    for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
        for label, source in (("one", one), ("two", two)):
            target = work / f"check_{label}.duckdb"
            shutil.copyfile(source, target)
            con = duckdb.connect(str(target))
            con.execute("DELETE FROM dq_validations")  # re-validate every suite
            con.execute("CHECKPOINT")
            con.close()
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "hkpipe.cli", "check",
                                   "--warehouse", str(target)], cwd=ROOT,
                                  capture_output=True, text=True)
            times[label].append(time.perf_counter() - started)
            # exit 1 is a finding, not a failure: the HKEX rows end with the snapshot, so
            # freshness calls them stale; the work measured is the same
            if done.returncode not in (0, 1):
                raise SystemExit(f"check failed on {label}:\n{done.stdout}\n{done.stderr}")
    observations = duckdb.connect(str(two), read_only=True).execute(
        "SELECT count(*) FROM price_observations").fetchone()[0]
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"check_one_source_s": round(statistics.median(times["one"]), 3),
                      "check_two_sources_s": round(statistics.median(times["two"]), 3),
                      "observations_two": observations}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
