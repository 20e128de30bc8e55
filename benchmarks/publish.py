"""The publish figures of issue 23 part 3: what `hkpipe.warehouse.build` costs against the size
of the warehouse it copies. Prints one JSON object (the last line).

The warehouses are built once, each through the pipeline's own commands or functions:

- ``bundled``: ``hkpipe run --source snapshot`` (the bundled data, about 83 MB).
- ``universe``: that warehouse after a first universe refresh (``hkpipe refresh --source
  hkex --universe listings``) against HKEX's stand-in (tests/fakes/hkex.py, a real HTTP server
  on 127.0.0.1, started by benchmarks/universe.py's ``start_hkex``), which serves every listed
  stock's bars from its listing date (at most ten years back, as the real service answers) to
  the refresh's day. The bars are synthetic and deterministic (a bounded random walk per stock,
  numpy seed 20261126): the first refresh asks each listing from its listing date, as it does
  live, and stores what the stand-in answers. The listed stocks date from 2018, so this file is
  about 224 MB, not the 400 MB the issue names; the 800 x 20 market is the point near 400 MB.
- ``market_SxY``: benchmarks/market_scale.py's synthetic market of S symbols x Y years
  (``--market``, repeatable; by default 800 x 20, about 400 MB, and the whole market, 2,700 x
  20) loaded by ``writes.upsert_prices`` inside ``warehouse.build``, as market_scale.py does.

Then, per run and warehouse, interleaved, each in a fresh interpreter (the time is taken inside
it, around the measured code alone: no start-up or imports, including what ``build`` imports on
first use, which every write command has imported before it publishes):

- ``publish``: ``with warehouse.build(path) as con:`` and one one-row UPDATE of ``prices``.
- ``steps``: the same work done step by step with the functions ``build`` calls (write_lock,
  _create_private and shutil.copyfile, duckdb.connect, verify_whole(full=True), apply_schema,
  the UPDATE, CHECKPOINT and close, _keep_owner_and_mode, _fsync, os.replace and the folder's
  _fsync), each step timed; and, on a scratch file, what os.copy_file_range takes for the same
  bytes (the copy a filesystem with reflinks could share instead of writing).

    python benchmarks/publish.py --work DIR --runs 3 [--market 800x20 --market 2700x20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SEED = 20261126
HISTORY_YEARS = 10  # HKEX's longest answer (hkpipe/sources/hkex.py LONGEST)
# One row of the resolved prices changes: what a one-session correction does at the least.
UPDATE = ("UPDATE prices SET volume = coalesce(volume, 0) + 1 "
          "WHERE (symbol, trade_date) = (SELECT (symbol, trade_date) FROM prices LIMIT 1)")
STEPS = ("lock", "copy", "open", "verify_whole", "schema", "update", "checkpoint_close",
         "owner_mode", "fsync", "replace")


# --- building the warehouses ----------------------------------------------------------------

def history_bars(code: str, listing, until: str):
    """HKEX-format bars of one listing from its listing date (at most HISTORY_YEARS back) to
    ``until``: a bounded random walk (steps within +-4 %, so no move rule is tripped), its
    ranges, volume and turnover."""
    import numpy as np
    import pandas as pd

    from hkpipe import calendar

    end = pd.Timestamp(until)
    start = max(pd.Timestamp(listing), end - pd.DateOffset(years=HISTORY_YEARS))
    # the days the exchange traded (XHKG sessions less documented closures), as served live
    traded = calendar.trading_days(code, pd.Timestamp(until, tz="UTC"))
    days = pd.DatetimeIndex(sorted(d for d in traded if start.date() <= d <= end.date()))
    rng = np.random.default_rng([SEED, int(code)])
    steps = np.clip(rng.normal(0.0002, 0.015, len(days)), -0.04, 0.04)
    close = (5.0 + int(code) % 197) * np.exp(np.cumsum(steps))
    spread = np.abs(rng.normal(0, 0.008, len(days)))
    open_ = close * (1 + np.clip(rng.normal(0, 0.004, len(days)), -0.01, 0.01))
    volume = rng.integers(10_000, 50_000_000, len(days)).astype("float64")
    close, open_ = close.round(2), open_.round(2)
    return pd.DataFrame({
        "date": days, "open": open_, "high": (np.maximum(open_, close) * (1 + spread)).round(2),
        "low": (np.minimum(open_, close) * (1 - spread)).round(2), "close": close,
        "volume": volume, "turnover": (volume * close).round(0)})


def build_bundled(path: Path) -> None:
    from universe import FIVE_BEFORE, now_of

    env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    done = subprocess.run([sys.executable, "-m", "hkpipe.cli", "run", "--source", "snapshot",
                           "--warehouse", str(path)], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "HKPIPE_NOW": now_of(FIVE_BEFORE)})
    if done.returncode not in (0, 1):  # 1: a finding of check, the warehouse is built
        raise SystemExit(f"publish benchmark: run --source snapshot failed\n{done.stderr}")


def build_universe(bundled: Path, path: Path, work: Path) -> dict:
    """A copy of the bundled warehouse after a first universe refresh of every listed stock."""
    from universe import FIVE_BEFORE, Runner, now_of, start_hkex

    from hkpipe.ingest import plan
    from hkpipe.settings import Settings
    from hkpipe.sources.base import stock_symbol

    shutil.copyfile(bundled, path)
    hk = start_hkex()
    try:
        listings = plan.listed(Settings.from_env(now=now_of(FIVE_BEFORE)))
        bars = 0
        for row in listings.itertuples(index=False):
            frame = history_bars(row.stock_code, row.listing_date, FIVE_BEFORE)
            hk.serve(stock_symbol(row.stock_code), frame)
            bars += len(frame)
        runner = Runner(work, hk)
        seconds = runner.run(["refresh", "--source", "hkex", "--universe", "listings",
                              "--warehouse", str(path)], FIVE_BEFORE)
        coverage = next((line.strip() for line in runner.last.stdout.splitlines()
                         if " fetched, " in line), "")
    finally:
        hk.stop()
    return {"listed": len(listings), "bars_served": bars, "refresh_s": round(seconds, 1),
            "coverage": coverage}


def build_market(path: Path, symbols: int, years: int) -> dict:
    from market_scale import synthetic_market

    from hkpipe import calendar, warehouse
    from hkpipe.warehouse import writes

    started = time.perf_counter()
    frame = synthetic_market(symbols, years)
    with warehouse.build(path, memory_limit="2GB") as con:
        calendar.sync(con)
        writes.upsert_prices(con, frame, source="synthetic", run_id="bench", command="bench")
    return {"symbols": symbols, "years": years, "rows": len(frame),
            "build_s": round(time.perf_counter() - started, 1)}


# --- the probes (each run in a fresh interpreter) ------------------------------------------

def preload() -> None:
    """What ``build`` imports on first use (``apply_schema`` imports hkpipe.warehouse.writes,
    and with it pandas, about 0.3 s): every write command has imported it before it publishes,
    so the probes import it before the clock starts."""
    import hkpipe.warehouse.writes  # noqa: F401


def probe_publish(path: Path) -> dict:
    from hkpipe import warehouse

    preload()
    started = time.perf_counter()
    with warehouse.build(path) as con:
        con.execute(UPDATE)
    return {"publish_s": time.perf_counter() - started}


def probe_steps(path: Path) -> dict:
    """``warehouse.build``'s steps, in its order, with the functions it calls, each timed."""
    import uuid

    import duckdb

    from hkpipe.warehouse import publish as pub

    preload()
    out: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        out[name] = now - clock[0]
        clock[0] = now

    live = Path(os.path.realpath(path))
    pub.check_target(live)
    out_bytes = live.stat().st_size  # what the copy reads and writes
    with pub.write_lock(live, 60):
        lap("lock")
        tmp = live.parent / f".{live.name}{pub.BUILD_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            pub._create_private(tmp)
            shutil.copyfile(live, tmp)
            lap("copy")
            con = duckdb.connect(str(tmp))
            lap("open")
            pub.verify_whole(con, tmp, live)
            lap("verify_whole")
            pub.apply_schema(con, live)
            lap("schema")
            con.execute(UPDATE)
            lap("update")
            con.execute("CHECKPOINT")
            con.close()
            lap("checkpoint_close")
            pub._keep_owner_and_mode(tmp, live.stat())
            lap("owner_mode")
            pub._fsync(tmp)
            lap("fsync")
            os.replace(tmp, live)
            pub._fsync(live.parent)
            lap("replace")
        finally:
            tmp.unlink(missing_ok=True)
    out["total_s"] = sum(out[s] for s in STEPS)
    out["bytes"] = out_bytes
    # The same bytes by copy_file_range (the kernel copies, or a reflink filesystem shares)
    scratch = live.parent / f".{live.name}.copy-file-range"
    started = time.perf_counter()
    with open(live, "rb") as src, open(scratch, "wb") as dst:
        left = os.fstat(src.fileno()).st_size
        while left > 0:
            sent = os.copy_file_range(src.fileno(), dst.fileno(), left)
            if sent == 0:
                break
            left -= sent
    out["copy_file_range"] = time.perf_counter() - started
    scratch.unlink()
    return out


def run_probe(kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe", kind,
                           str(path)], cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("HKPIPE_")})
    if done.returncode != 0:
        raise SystemExit(f"publish benchmark: probe {kind} {path} failed\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--market", action="append", metavar="SYMBOLSxYEARS",
                        help="a synthetic market to measure (default: 800x20 and 2700x20)")
    parser.add_argument("--probe", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        kind, path = args.probe
        probe = {"publish": probe_publish, "steps": probe_steps}[kind]
        print(json.dumps(probe(Path(path))))
        return 0
    if not args.work:
        parser.error("--work is required")

    work = args.work / "publish"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    files = {"bundled": work / "bundled.duckdb", "universe": work / "universe.duckdb"}
    markets = [tuple(int(n) for n in scale.split("x")) for scale in
               (args.market or ["800x20", "2700x20"])]
    for symbols, years in markets:
        files[f"market_{symbols}x{years}"] = work / f"market_{symbols}x{years}.duckdb"
    build_bundled(files["bundled"])
    built = {"universe": build_universe(files["bundled"], files["universe"], work),
             **{f"market_{s}x{y}": build_market(files[f"market_{s}x{y}"], s, y)
                for s, y in markets}}
    sizes = {k: p.stat().st_size for k, p in files.items()}

    publish: dict[str, list[float]] = {k: [] for k in files}
    steps: dict[str, list[dict]] = {k: [] for k in files}
    for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
        for label, path in files.items():
            publish[label].append(run_probe("publish", path)["publish_s"])
            steps[label].append(run_probe("steps", path))
    out = {"sizes_bytes": sizes, "built": built, "runs": args.runs, "sizes": {}}
    for label in files:
        keys = [*STEPS, "total_s", "copy_file_range"]
        out["sizes"][label] = {
            "bytes": sizes[label], "mb": round(sizes[label] / 1e6, 1),
            "publish_s": round(statistics.median(publish[label]), 3),
            "publish_runs_s": [round(s, 3) for s in publish[label]],
            "steps_s": {k: round(statistics.median(r[k] for r in steps[label]), 3)
                        for k in keys}}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
