"""One market-scale measurement: a synthetic full market through the pipeline's load, publish and
data-quality path, against DuckDB's own bulk insert of the same rows. Prints one JSON object.

    python benchmarks/market_scale.py --symbols 2700 --years 20 --work DIR

The data is synthetic and deterministic (numpy seed 20261126): a random walk per symbol over
the real XHKG sessions of the last ``years`` years. It measures cost, not markets, and never
enters a project warehouse.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from hkpipe import calendar, warehouse
from hkpipe.checks import integrity, quality
from hkpipe.warehouse import writes

SEED = 20261126


def synthetic_market(symbols: int, years: int) -> pd.DataFrame:
    end = pd.Timestamp("2025-12-31")
    days = calendar.sessions(end - pd.DateOffset(years=years) + pd.Timedelta(days=1), end)
    rng = np.random.default_rng(SEED)
    n_days = len(days)
    steps = rng.normal(0.0003, 0.015, size=(symbols, n_days))
    close = (rng.uniform(5, 200, size=(symbols, 1)) * np.exp(np.cumsum(steps, axis=1)))
    spread = np.abs(rng.normal(0, 0.01, size=(symbols, n_days)))
    open_ = close * (1 + rng.normal(0, 0.005, size=(symbols, n_days)))
    high = np.maximum(open_, close) * (1 + spread)
    low = np.minimum(open_, close) * (1 - spread)
    codes = [f"{i:05d}.HK" for i in range(1, symbols + 1)]
    return pd.DataFrame({
        # categorical: 13.5 million Python strings alone would take ~1 GB
        "symbol": pd.Categorical.from_codes(np.repeat(np.arange(symbols), n_days), codes),
        "trade_date": np.tile(days.values, symbols),
        "open": open_.ravel().round(3), "high": high.ravel().round(3),
        "low": low.ravel().round(3), "close": close.ravel().round(3),
        "adj_close": np.nan, "volume": rng.integers(1e4, 1e8, size=symbols * n_days)
        .astype("float64"), "turnover_hkd": np.nan,
    })


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, required=True)
    parser.add_argument("--years", type=int, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory_limit for the build (e.g. 1GB)")
    args = parser.parse_args()
    work = args.work / f"market_{args.symbols}x{args.years}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    t = time.perf_counter()
    frame = synthetic_market(args.symbols, args.years)
    generate = time.perf_counter() - t
    rows = len(frame)

    # DuckDB's own bulk insert of the same rows: the floor for any loader.
    t = time.perf_counter()
    con = duckdb.connect(str(work / "bulk.duckdb"))
    con.register("batch", frame)
    con.execute("CREATE TABLE prices AS SELECT * FROM batch")
    con.execute("CHECKPOINT")
    con.close()
    bulk = time.perf_counter() - t

    # The pipeline: build (copy + schema + calendar), upsert with run records, integrity SQL on
    # the whole table, GX prices suite on the batch, checkpoint and atomic publish.
    live = work / "warehouse.duckdb"
    t = time.perf_counter()
    with warehouse.build(live, memory_limit=args.memory_limit) as con:
        calendar.sync(con)
        t_upsert = time.perf_counter()
        writes.upsert_prices(con, frame, source="synthetic", run_id="bench", command="bench")
        upsert = time.perf_counter() - t_upsert
        t_checks = time.perf_counter()
        failed = [c for c in integrity.run(con) if not c.ok]
        assert not failed, failed
        results = quality.validate(con, quality.table_batches()[:2], store=True)
        checks = time.perf_counter() - t_checks
    total = time.perf_counter() - t
    print(json.dumps({
        "symbols": args.symbols, "years": args.years, "rows": rows,
        "memory_limit": args.memory_limit,
        "generate_s": round(generate, 3), "bulk_insert_s": round(bulk, 3),
        "pipeline_s": round(total, 3), "upsert_s": round(upsert, 3),
        "checks_s": round(checks, 3), "rows_per_s": round(rows / total),
        "checks_ok": all(r.ok for r in results),
        "check_details": [f"{r.name}: {r.detail}" for r in results],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "warehouse_mib": round(live.stat().st_size / 2**20, 1),
    }))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
