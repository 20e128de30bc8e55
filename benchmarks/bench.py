"""`make bench`: the performance figures of issue 7, each a ratio measured in one run on this
machine, printed with its inputs and written to benchmarks/results.json.

Every ratio divides two wall times taken in the same run, so the machine's speed cancels out.
Medians of several runs; subprocesses throughout, so each figure includes interpreter start-up
and imports exactly as a user's command does.

    python benchmarks/bench.py                         every figure (make bench)
    python benchmarks/bench.py --only setup            one group (make bench-setup), merged
                                                       into an existing results.json

Groups: main (gate, main job), incremental, market, sources, stocks (the bundled stock prices of
issue 11), universe (the listed-universe refresh of issue 12, against local stand-ins),
orchestration, dbt (needs main), setup (cold installs from PyPI: the one figure that needs the
network), ipo (check and report with issue 20's IPO views against the code before them),
sweeps (check with the ledgers' declared perturbations against check --no-sweeps), imports
(peak memory of `import-prices` of a 50 MB CSV against a 5 MB one, issue 23), publish (the
publish step alone on a synthetic market of about 400 MB against the bundled warehouse, and
on the universe-refreshed and whole-market files, with where the time goes: issue 23),
tests (the wall time of make test: an absolute figure, test_suite_seconds).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
PY = sys.executable
RUNS = int(os.environ.get("HKPIPE_BENCH_RUNS", "5"))
GOALS = {"gate": 1.2, "main_job": 1.3, "incremental": 1.2, "market_time": 10.0,
         "market_load_vs_bulk": 3.0, "market_peak_rss_gib": 3.0, "orchestration": 1.3,
         "run_vs_dbt": 1.5, "check_cached_vs_dbt": 0.5, "setup_vs_pip": 0.5,
         "check_two_sources_vs_one": 1.15, "stocks_cold_run_vs_without": 1.5,
         "stocks_load_vs_bulk": 3.0, "stocks_peak_rss_gib": 1.5,
         "universe_refresh_800_vs_2": 10.0, "universe_check_vs_index_check": 1.5,
         "ipo_views_vs_base_check": 1.3, "listings_discovery_vs_index_refresh": 1.3,
         "check_with_sweeps_vs_check": 1.5, "import_peak_rss_per_file_mb": 2.0,
         "publish_400mb_vs_83mb": 1.5, "test_suite_seconds": 360}
GROUPS = ("main", "incremental", "market", "sources", "stocks", "universe", "orchestration",
          "dbt", "setup", "ipo", "sweeps", "imports", "publish", "tests")
# The last commit before issue 20's IPO views (ipo_bhar, new_economy_ipo_index, delistings in
# the returns): group ipo runs its code beside this checkout's on the same bundled data.
IPO_VIEWS_BASE = "d697e6b"
SETUP_RUNS = int(os.environ.get("HKPIPE_BENCH_SETUP_RUNS", "3"))
FLOOR_IMPORTS = "import pandas, duckdb, great_expectations"  # what `hkpipe check` imports
# Run in a new interpreter, so RUSAGE_CHILDREN's peak is the one command's (argv) alone.
PEAK_RSS_PROBE = ("import resource, subprocess, sys\n"
                  "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                  "sys.stderr.write(done.stdout + done.stderr if done.returncode else '')\n"
                  "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                  "sys.exit(done.returncode)")


def env() -> dict:
    out = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    out["HKPIPE_NOW"] = "2026-11-26T12:00:00Z"  # the same "now" for every run
    return out


def timed(cmd: list[str], cwd: Path = ROOT, extra_env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env={**env(), **(extra_env or {})},
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{done.stdout}\n"
                         f"{done.stderr}")
    return elapsed


def hkpipe(*args: str) -> list[str]:
    return [PY, "-m", "hkpipe.cli", *args]


def peak_rss_mib(cmd: list[str]) -> float:
    """Peak RSS (MiB) of ``cmd`` run as the only child of a fresh interpreter."""
    done = subprocess.run([PY, "-c", PEAK_RSS_PROBE, *cmd], cwd=ROOT, env=env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{done.stderr}")
    return int(done.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def clear_validation_cache(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM dq_validations")
    con.execute("CHECKPOINT")
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the performance ratios.")
    parser.add_argument("--only", metavar="GROUP[,GROUP]",
                        help=f"measure only these groups ({', '.join(GROUPS)}) and merge them "
                             "into an existing benchmarks/results.json")
    args = parser.parse_args(argv)
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    if groups - set(GROUPS):
        parser.error(f"unknown group(s) {sorted(groups - set(GROUPS))}; choose from {GROUPS}")
    if "dbt" in groups:
        groups.add("main")  # the peer figures divide the main job's times
    out = ROOT / "benchmarks" / "results.json"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    results: dict = {"ratios": {}, "seconds": {}, "inputs": {}}
    if args.only and out.exists():
        results = json.loads(out.read_text())
    results["goals"] = GOALS
    results["inputs"].update({
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)}"
                   f" GiB, Python {platform.python_version()}",
        "runs_per_median": RUNS, "floor": f"python -c '{FLOOR_IMPORTS}'"})
    seconds, ratios, inputs = results["seconds"], results["ratios"], results["inputs"]

    def say(text: str) -> None:
        print(text, flush=True)

    base = WORK / "base.duckdb"
    if groups & {"main", "sources", "orchestration", "dbt", "sweeps"}:
        timed(hkpipe("run", "--source", "snapshot", "--warehouse", str(base)))
        timed(hkpipe("check", "--warehouse", str(base)))  # leaves every suite validated
    if "main" in groups:
        measure_main(base, seconds, ratios, say)
    if "incremental" in groups:
        measure_incremental(seconds, ratios, inputs, say)
    if "market" in groups:
        measure_market(ratios, inputs, say)
    if "sources" in groups:
        measure_two_sources(base, seconds, ratios, inputs, say)
    if "stocks" in groups:
        measure_stocks(seconds, ratios, inputs, say)
    if "universe" in groups:
        measure_universe(seconds, ratios, inputs, say)
    if "orchestration" in groups:
        measure_orchestration(base, seconds, ratios, say)
    if "dbt" in groups:
        measure_dbt(seconds, ratios, say)
    if "setup" in groups:
        measure_setup(seconds, ratios, inputs, say)
    if "ipo" in groups:
        measure_ipo_views(seconds, ratios, inputs, say)
    if "sweeps" in groups:
        measure_sweeps(base, seconds, ratios, inputs, say)
    if "imports" in groups:
        measure_imports(ratios, inputs, say)
    if "publish" in groups:
        measure_publish(seconds, ratios, inputs, say)
    if "tests" in groups:
        measure_tests(ratios, inputs, say)

    results["met"] = {k: ratios[k] <= GOALS[k] for k in GOALS if k in ratios}
    out.write_text(json.dumps(results, indent=2) + "\n")
    say(f"wrote {out.relative_to(ROOT)}; goals met: "
        f"{sum(results['met'].values())} of {len(results['met'])}")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


def measure_main(base: Path, seconds: dict, ratios: dict, say) -> None:
    """Gate and main job against the import floor."""
    floor, gate, main_job, cached = [], [], [], []
    for i in range(RUNS):  # interleaved, so drift in machine load hits all alike
        floor.append(timed([PY, "-c", FLOOR_IMPORTS]))
        target = WORK / "gate.duckdb"
        shutil.copyfile(base, target)
        clear_validation_cache(target)
        gate.append(timed(hkpipe("check", "--warehouse", str(target))))
        cold = WORK / f"cold{i}.duckdb"
        main_job.append(timed(hkpipe("run", "--source", "snapshot", "--warehouse", str(cold))))
        cached.append(timed(hkpipe("check", "--warehouse", str(base))))
    seconds.update(floor=median(floor), check_revalidate=median(gate),
                   run_cold=median(main_job), check_cached=median(cached))
    ratios["gate"] = round(seconds["check_revalidate"] / seconds["floor"], 3)
    ratios["main_job"] = round(seconds["run_cold"] / seconds["floor"], 3)
    say(f"floor (import pandas, duckdb, GX)         {seconds['floor']:7.3f} s")
    say(f"gate: check, re-validating                {seconds['check_revalidate']:7.3f} s  "
        f"ratio {ratios['gate']:.2f} (goal <= {GOALS['gate']})")
    say(f"main job: run --source snapshot, cold     {seconds['run_cold']:7.3f} s  "
        f"ratio {ratios['main_job']:.2f} (goal <= {GOALS['main_job']})")
    say(f"check on unchanged data (stored results)  {seconds['check_cached']:7.3f} s")


def measure_sweeps(base: Path, seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Issue 24: `check` measuring the variants the bundled ledgers declare / `check
    --no-sweeps`, each on a fresh copy of the same checked warehouse."""
    with_sweeps, without = [], []
    for _ in range(RUNS):
        for label, extra, times in (("with", [], with_sweeps),
                                    ("without", ["--no-sweeps"], without)):
            target = WORK / f"sweeps_{label}.duckdb"
            shutil.copyfile(base, target)
            started = time.perf_counter()
            done = subprocess.run(hkpipe("check", *extra, "--warehouse", str(target)),
                                  cwd=ROOT, env=env(), capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                raise SystemExit(f"sweeps benchmark: check {extra} failed\n{done.stderr}")
    con = duckdb.connect(str(WORK / "sweeps_with.duckdb"), read_only=True)
    variants = con.execute("SELECT count(*) FROM claim_robustness").fetchall()[0][0]
    con.close()
    seconds.update(check_with_sweeps=median(with_sweeps), check_without_sweeps=median(without))
    ratios["check_with_sweeps_vs_check"] = round(seconds["check_with_sweeps"]
                                                 / seconds["check_without_sweeps"], 3)
    inputs["sweeps"] = {"variants": variants,
                        "how": "hkpipe check vs hkpipe check --no-sweeps, each on a fresh "
                               "copy of the checked bundled warehouse (suites validated)"}
    say(f"sweeps: check with {variants} declared variants {seconds['check_with_sweeps']:.2f} s "
        f"/ --no-sweeps {seconds['check_without_sweeps']:.2f} s: ratio "
        f"{ratios['check_with_sweeps_vs_check']:.2f} (goal <= "
        f"{GOALS['check_with_sweeps_vs_check']})")


PUBLISH_RUNS = int(os.environ.get("HKPIPE_BENCH_PUBLISH_RUNS", "3"))


def measure_publish(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Issue 23 part 3: the publish step alone (``with warehouse.build(path)``, a one-row
    UPDATE, publish), timed inside a fresh interpreter per run, on the warehouse a first
    universe refresh makes against the bundled one, and on synthetic markets of about 400 MB
    and of the whole market's scale; with the
    time of each step of the build and the bytes it copies (benchmarks/publish.py)."""
    done = subprocess.run([PY, str(ROOT / "benchmarks" / "publish.py"), "--work", str(WORK),
                           "--runs", str(PUBLISH_RUNS)], cwd=ROOT, env=env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"publish benchmark failed:\n{done.stdout[-3000:]}\n"
                         f"{done.stderr[-3000:]}")
    pub = json.loads(done.stdout.strip().splitlines()[-1])
    sizes = pub["sizes"]
    for label, size in sizes.items():
        seconds[f"publish_{label}"] = size["publish_s"]
    # The key is the 400 MB: the 800 x 20 market (about 412 MB). A first universe
    # refresh against the stand-in makes only about 224 MB; its ratio is reported beside it.
    ratios["publish_400mb_vs_83mb"] = round(sizes["market_800x20"]["publish_s"]
                                            / sizes["bundled"]["publish_s"], 3)
    inputs["publish"] = {
        "runs": pub["runs"], "built": pub["built"], "sizes": sizes,
        "how": "benchmarks/publish.py: bundled = run --source snapshot; universe = that plus a "
               "first refresh --source hkex --universe listings against tests/fakes/hkex.py "
               "serving every listed stock's bars from its listing date (at most ten years); "
               "market_SxY = market_scale.py's synthetic market of S symbols x Y years (800 x "
               "20, about 400 MB, and 2,700 x 20) through writes.upsert_prices. Per "
               "run, interleaved, a fresh interpreter times `with warehouse.build(path) as con` "
               "and a one-row UPDATE of prices (no start-up or imports), and another times the "
               "build's steps with the functions it calls; medians. The key divides "
               "market_800x20 (about 412 MB) by bundled",
        "universe_vs_bundled": round(sizes["universe"]["publish_s"]
                                     / sizes["bundled"]["publish_s"], 3)}
    for label, size in sizes.items():
        steps = size["steps_s"]
        say(f"publish: {label:14s} {size['mb']:7.1f} MB  {size['publish_s']:.3f} s  (copy "
            f"{steps['copy']:.3f}, open {steps['open']:.3f}, verify_whole "
            f"{steps['verify_whole']:.3f}, schema {steps['schema']:.3f}, checkpoint "
            f"{steps['checkpoint_close']:.3f}, fsync {steps['fsync']:.3f}, replace "
            f"{steps['replace']:.3f}; copy_file_range {steps['copy_file_range']:.3f})")
    say(f"  publish of the {sizes['market_800x20']['mb']:.0f} MB market / of the "
        f"{sizes['bundled']['mb']:.0f} MB bundled one: ratio "
        f"{ratios['publish_400mb_vs_83mb']:.2f} (goal <= {GOALS['publish_400mb_vs_83mb']})")
    for label in (k for k in sizes if k not in ("bundled", "market_800x20")):
        say(f"  publish of the {sizes[label]['mb']:.0f} MB {label} / of the bundled one: "
            f"{sizes[label]['publish_s'] / sizes['bundled']['publish_s']:.2f}x")


def measure_tests(ratios: dict, inputs: dict, say) -> None:
    """Issue 21: the wall time of `make test` on a warm venv (run once), an absolute figure on
    this machine; reported here, asserted by no test."""
    cmd = ["make", "-s", "test"]  # the README's command itself, on the venv already set up
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env={k: v for k, v in os.environ.items()
                                               if not k.startswith("HKPIPE_")},
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"make test's command failed:\n{done.stdout[-3000:]}")
    ratios["test_suite_seconds"] = round(elapsed, 1)
    inputs["tests"] = {"command": " ".join(cmd), "summary": done.stdout.strip()
                       .splitlines()[-1], "cores": os.cpu_count()}
    say(f"tests: make test {elapsed:.1f} s (goal <= {GOALS['test_suite_seconds']} s "
        f"on the 2-core machine)")


def measure_incremental(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """5 new sessions into 40 years vs into 1 year."""
    seeds_1y = WORK / "seeds_1y"
    shutil.copytree(ROOT / "seeds", seeds_1y)
    for name, since in (("HSI.csv", "2025-08-21"), ("HSTECH.csv", "2023-11-13")):
        frame = pd.read_csv(seeds_1y / "prices" / name, dtype=str, keep_default_na=False)
        frame[frame["date"] >= since].to_csv(seeds_1y / "prices" / name, index=False)
    wh40, wh1 = WORK / "hist40.duckdb", WORK / "hist1.duckdb"
    timed(hkpipe("load-seeds", "--warehouse", str(wh40)))
    timed(hkpipe("load-seeds", "--seeds-dir", str(seeds_1y), "--warehouse", str(wh1)))
    five = WORK / "five_sessions.csv"
    # Synthetic bars for the five sessions after the snapshot ends (cost only, never kept).
    five.write_text("date,open,high,low,close\n"
                    "2026-08-24,25600,25700,25500,25650\n2026-08-25,25650,25750,25550,25700\n"
                    "2026-08-26,25700,25800,25600,25750\n2026-08-27,25750,25850,25650,25800\n"
                    "2026-08-28,25800,25900,25700,25850\n")
    times = {"40y": [], "1y": []}
    for _ in range(RUNS):
        for label, source in (("40y", wh40), ("1y", wh1)):
            target = WORK / f"inc_{label}.duckdb"
            shutil.copyfile(source, target)
            times[label].append(timed(hkpipe("import-prices", "--symbol", "^HSI", str(five),
                                             "--warehouse", str(target))))
    seconds.update(refresh_5_sessions_40y=median(times["40y"]),
                   refresh_5_sessions_1y=median(times["1y"]))
    ratios["incremental"] = round(seconds["refresh_5_sessions_40y"]
                                  / seconds["refresh_5_sessions_1y"], 3)
    inputs["incremental"] = {"warehouse_40y_mib": round(wh40.stat().st_size / 2**20, 2),
                             "warehouse_1y_mib": round(wh1.stat().st_size / 2**20, 2),
                             "how": "hkpipe import-prices of 5 sessions (validate, upsert, "
                                    "integrity checks, copy and atomic publish)"}
    say(f"incremental: 5 sessions into 40 years     {seconds['refresh_5_sessions_40y']:7.3f} s"
        f" / into 1 year {seconds['refresh_5_sessions_1y']:.3f} s  ratio "
        f"{ratios['incremental']:.2f} (goal <= {GOALS['incremental']})")


IMPORT_TODAY = "2026-11-26"  # HKPIPE_NOW's day in Hong Kong (env)


def import_csv(path: Path, megabytes: int) -> int:
    """Write a ``date,close`` file of about ``megabytes`` MB for ^HSI; return its rows.

    One symbol has only ~10,200 XHKG sessions from 1986 to today, so a file of millions of rows
    repeats the whole series, each copy with the same values: exact duplicates, which the
    importer accepts and drops (hkpipe.prices.validate). 18 bytes a row, as in issue 23's
    50 MB / 2.79 M-row file."""
    from hkpipe import calendar

    days = sorted(d for d in calendar.trading_days("^HSI", pd.Timestamp(f"{IMPORT_TODAY}T12:00Z"))
                  if d <= pd.Timestamp(IMPORT_TODAY).date())
    block = "".join(f"{d:%Y-%m-%d},{1000 + (i % 8000) / 2:.1f}\n" for i, d in enumerate(days))
    copies = max(1, round(megabytes * 1e6 / len(block)))
    with open(path, "w", newline="") as handle:
        handle.write("date,close\n")
        for _ in range(copies):
            handle.write(block)
    return copies * len(days)


def measure_imports(ratios: dict, inputs: dict, say) -> None:
    """Issue 23: peak RSS of `import-prices` of a 50 MB CSV / of a 5 MB one (both into a copy
    of the same load-seeds warehouse): memory must not grow with the file."""
    base = WORK / "imports_base.duckdb"
    timed(hkpipe("load-seeds", "--warehouse", str(base)))
    files = {mb: WORK / f"import_{mb}mb.csv" for mb in (5, 50)}
    rows = {mb: import_csv(path, mb) for mb, path in files.items()}
    peaks: dict[int, list[float]] = {5: [], 50: []}
    for i in range(3):
        for mb, path in files.items():
            target = WORK / f"imports_{mb}_{i}.duckdb"
            shutil.copyfile(base, target)
            peaks[mb].append(peak_rss_mib(hkpipe("import-prices", "--symbol", "^HSI", str(path),
                                                 "--warehouse", str(target))))
            target.unlink()
    peak = {mb: statistics.median(v) for mb, v in peaks.items()}
    ratios["import_peak_rss_per_file_mb"] = round(peak[50] / peak[5], 3)
    inputs["imports"] = {
        "files_mb": {mb: round(p.stat().st_size / 1e6, 1) for mb, p in files.items()},
        "rows": rows, "peak_rss_mib": {mb: round(v, 1) for mb, v in peak.items()},
        "how": "hkpipe import-prices --symbol ^HSI of a synthetic date,close file (every "
               "session 1986-01-02..2026-11-26, repeated as exact duplicates to the size) into "
               "a copy of a load-seeds warehouse; peak RSS (ru_maxrss, median of 3)"}
    say(f"imports: peak RSS of import-prices, {rows[50]:,} rows "
        f"({inputs['imports']['files_mb'][50]} MB) {peak[50]:.0f} MiB / {rows[5]:,} rows "
        f"({inputs['imports']['files_mb'][5]} MB) {peak[5]:.0f} MiB: ratio "
        f"{ratios['import_peak_rss_per_file_mb']:.2f} (goal <= "
        f"{GOALS['import_peak_rss_per_file_mb']})")


def measure_market(ratios: dict, inputs: dict, say) -> None:
    market = {}
    for label, symbols in (("tenth", 270), ("full", 2700)):
        done = subprocess.run([PY, str(ROOT / "benchmarks" / "market_scale.py"), "--symbols",
                               str(symbols), "--years", "20", "--work", str(WORK),
                               # 2 GB: two keyed tables (observations, resolved prices)
                               # no longer fit a first load of 13.3 M rows in 1 GB
                               "--memory-limit", "2GB"],
                              cwd=ROOT, env=env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"market scale failed:\n{done.stderr}")
        market[label] = json.loads(done.stdout.strip().splitlines()[-1])
    full, tenth = market["full"], market["tenth"]
    ratios["market_time"] = round(full["pipeline_s"] / tenth["pipeline_s"], 3)
    ratios["market_load_vs_bulk"] = round(full["upsert_s"] / full["bulk_insert_s"], 3)
    ratios["market_peak_rss_gib"] = round(full["peak_rss_mib"] / 1024, 3)
    inputs["market_scale"] = market
    say(f"market scale: {full['rows']:,} rows in {full['pipeline_s']:.1f} s "
        f"({full['rows_per_s']:,} rows/s) vs {tenth['rows']:,} in {tenth['pipeline_s']:.1f} s:"
        f" ratio {ratios['market_time']:.2f} (goal <= {GOALS['market_time']})")
    say(f"  load {full['upsert_s']:.1f} s vs DuckDB bulk insert {full['bulk_insert_s']:.1f} s: "
        f"{ratios['market_load_vs_bulk']:.2f}x (goal <= {GOALS['market_load_vs_bulk']}); "
        f"peak RSS {ratios['market_peak_rss_gib']:.2f} GiB (goal <= "
        f"{GOALS['market_peak_rss_gib']})")


def measure_two_sources(base: Path, seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """check with two sources per index symbol against the same warehouse with one."""
    done = subprocess.run([PY, str(ROOT / "benchmarks" / "two_sources.py"), "--warehouse",
                           str(base), "--runs", str(RUNS)], cwd=ROOT, env=env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"two-sources benchmark failed:\n{done.stderr[-3000:]}")
    two = json.loads(done.stdout.strip().splitlines()[-1])
    seconds.update(check_one_source=two["check_one_source_s"],
                   check_two_sources=two["check_two_sources_s"])
    ratios["check_two_sources_vs_one"] = round(two["check_two_sources_s"]
                                               / two["check_one_source_s"], 3)
    inputs["check_two_sources_vs_one"] = {
        "observations": two["observations_two"],
        "how": "hkpipe check re-validating every suite; ^HSI and HSTECH.HK with the snapshot "
               "and a second source's observation of every day, against the snapshot alone"}
    say(f"check, two sources per index / one: {two['check_two_sources_s']:.2f} s / "
        f"{two['check_one_source_s']:.2f} s: ratio {ratios['check_two_sources_vs_one']:.2f} "
        f"(goal <= {GOALS['check_two_sources_vs_one']})")


def measure_ipo_views(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Issue 20: `check` then `report` on the bundled data with the new IPO views, against the
    same two commands of the code before them (IPO_VIEWS_BASE, extracted from git), each on a
    warehouse its own code built from the same seeds, so each reads views it already applied."""
    old = WORK / "ipo_base"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", IPO_VIEWS_BASE, "hkpipe",
                              "sql", "templates", "expectations", "pyproject.toml"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    seeds = {"HKPIPE_SEEDS": str(ROOT / "seeds")}  # the tree has no seeds: use the same ones
    trees = {"with": (ROOT, {}), "without": (old, seeds)}
    for name, (tree, extra) in trees.items():
        timed(hkpipe("run", "--source", "snapshot", "--warehouse",
                     str(WORK / f"ipo_{name}.duckdb")), cwd=tree, extra_env=extra)
    times: dict[str, list[float]] = {"with": [], "without": []}
    for i in range(RUNS):  # interleaved, so drift in machine load hits both alike
        for name, (tree, extra) in trees.items():
            wh = str(WORK / f"ipo_{name}.duckdb")
            times[name].append(
                timed(hkpipe("check", "--warehouse", wh), cwd=tree, extra_env=extra)
                + timed(hkpipe("report", "--warehouse", wh, "--out",
                               str(WORK / f"ipo_report_{name}{i}")), cwd=tree, extra_env=extra))
    seconds.update(check_report_ipo_views=median(times["with"]),
                   check_report_ipo_base=median(times["without"]))
    ratios["ipo_views_vs_base_check"] = round(seconds["check_report_ipo_views"]
                                              / seconds["check_report_ipo_base"], 3)
    inputs["ipo_views_vs_base_check"] = {
        "base": IPO_VIEWS_BASE,
        "how": "hkpipe check then hkpipe report (with Data Docs), each on a warehouse built by "
               "its own code from the bundled seeds; this checkout against the code at base"}
    say(f"check + report, IPO views / before them: {seconds['check_report_ipo_views']:.2f} s / "
        f"{seconds['check_report_ipo_base']:.2f} s: ratio "
        f"{ratios['ipo_views_vs_base_check']:.2f} (goal <= {GOALS['ipo_views_vs_base_check']})")


def seeds_without_stocks() -> Path:
    """A copy of the seeds folder whose stocks/*.csv.gz hold only their header line: the same
    code path as the bundled stock prices, with zero rows."""
    seeds = WORK / "seeds_no_stocks"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.copytree(ROOT / "seeds", seeds)
    for path in sorted((seeds / "stocks").glob("*.csv.gz")):
        with gzip.open(path, "rb") as handle:
            header = handle.readline()
        with gzip.open(path, "wb") as handle:
            handle.write(header)
    return seeds


def measure_stocks(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Issue 11: cold run with the bundled stock prices vs without them, their first load vs
    DuckDB's bulk insert, and the peak RSS of a cold run that loads them."""
    empty = seeds_without_stocks()
    with_s, without_s = [], []
    for i in range(RUNS):  # interleaved, so drift in machine load hits both alike
        with_s.append(timed(hkpipe("run", "--source", "snapshot", "--warehouse",
                                   str(WORK / f"stocks_with{i}.duckdb"))))
        without_s.append(timed(hkpipe("run", "--source", "snapshot", "--seeds-dir", str(empty),
                                      "--warehouse", str(WORK / f"stocks_without{i}.duckdb"))))
    seconds.update(run_cold_with_stocks=median(with_s), run_cold_without_stocks=median(without_s))
    ratios["stocks_cold_run_vs_without"] = round(seconds["run_cold_with_stocks"]
                                                 / seconds["run_cold_without_stocks"], 3)

    base = WORK / "stocks_base.duckdb"  # seeds, calendar and index prices; no stock prices
    timed(hkpipe("load-seeds", "--seeds-dir", str(empty), "--warehouse", str(base)))
    done = subprocess.run([PY, str(ROOT / "benchmarks" / "stocks_load.py"), "--warehouse",
                           str(base), "--work", str(WORK), "--runs", str(RUNS)], cwd=ROOT,
                          env=env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"stock load benchmark failed:\n{done.stderr[-3000:]}")
    load = json.loads(done.stdout.strip().splitlines()[-1])
    seconds.update(stocks_first_load=load["load_s"], stocks_bulk_insert=load["bulk_insert_s"])
    ratios["stocks_load_vs_bulk"] = round(load["load_s"] / load["bulk_insert_s"], 3)

    # Peak RSS: a cold `hkpipe run` loads the stock prices and then validates everything, so
    # its peak bounds the load's; `load-seeds` (the load without GX) is recorded beside it.
    peaks: dict[str, list[float]] = {"run": [], "load_seeds": [], "run_without": []}
    for i in range(3):
        peaks["run"].append(peak_rss_mib(hkpipe("run", "--source", "snapshot", "--warehouse",
                                                str(WORK / f"stocks_rss_run{i}.duckdb"))))
        peaks["load_seeds"].append(peak_rss_mib(hkpipe(
            "load-seeds", "--warehouse", str(WORK / f"stocks_rss_seeds{i}.duckdb"))))
        peaks["run_without"].append(peak_rss_mib(hkpipe(
            "run", "--source", "snapshot", "--seeds-dir", str(empty), "--warehouse",
            str(WORK / f"stocks_rss_without{i}.duckdb"))))
    ratios["stocks_peak_rss_gib"] = round(statistics.median(peaks["run"]) / 1024, 3)
    inputs["stocks"] = {
        "rows": load["rows"], "files": load["files"],
        "cold_run_with_runs_s": [round(s, 2) for s in with_s],
        "cold_run_without_runs_s": [round(s, 2) for s in without_s],
        "load_runs_s": load["load_runs_s"], "bulk_runs_s": load["bulk_runs_s"],
        "peak_rss_mib": {k: round(statistics.median(v), 1) for k, v in peaks.items()},
        "how": "cold hkpipe run --source snapshot with seeds/stocks/*.csv.gz against a copy of "
               "the seeds whose stock files hold only the header; hkpipe.stocks.load_bundled "
               "on a warehouse built by load-seeds without stock rows, against CREATE TABLE AS "
               "SELECT * FROM read_csv of both files (each followed by CHECKPOINT); peak RSS "
               "(ru_maxrss, median of 3) of a cold hkpipe run, load-seeds beside it"}
    say(f"stocks: cold run with the bundled stocks {seconds['run_cold_with_stocks']:.2f} s / "
        f"without {seconds['run_cold_without_stocks']:.2f} s: ratio "
        f"{ratios['stocks_cold_run_vs_without']:.2f} (goal <= "
        f"{GOALS['stocks_cold_run_vs_without']})")
    say(f"  first load of {load['rows']:,} rows {load['load_s']:.2f} s / DuckDB bulk insert "
        f"{load['bulk_insert_s']:.2f} s: {ratios['stocks_load_vs_bulk']:.2f}x (goal <= "
        f"{GOALS['stocks_load_vs_bulk']}); peak RSS of a cold run "
        f"{ratios['stocks_peak_rss_gib']:.2f} GiB (goal <= {GOALS['stocks_peak_rss_gib']}; "
        f"load-seeds {inputs['stocks']['peak_rss_mib']['load_seeds'] / 1024:.2f} GiB)")


def measure_universe(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Issue 12: an incremental universe refresh of every listed stock vs of 2 listings, and
    `check` after a one-session refresh of the universe vs of the two indexes
    (benchmarks/universe.py: HKEX's stand-in on 127.0.0.1, rate limits off, HKPIPE_NOW pinned
    per step)."""
    done = subprocess.run([PY, str(ROOT / "benchmarks" / "universe.py"), "--work", str(WORK),
                           "--runs", str(RUNS)], cwd=ROOT, env=env(), capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"universe benchmark failed:\n{done.stdout[-3000:]}\n"
                         f"{done.stderr[-3000:]}")
    uni = json.loads(done.stdout.strip().splitlines()[-1])
    seconds.update(universe_refresh_all=uni["refresh_all_s"],
                   universe_refresh_two=uni["refresh_two_s"],
                   check_after_universe_refresh=uni["check_universe_s"],
                   check_after_index_refresh=uni["check_indexes_s"])
    ratios["universe_refresh_800_vs_2"] = round(uni["refresh_all_s"] / uni["refresh_two_s"], 3)
    ratios["universe_check_vs_index_check"] = round(uni["check_universe_s"]
                                                    / uni["check_indexes_s"], 3)
    seconds.update(daily_with_discovery=uni["daily_with_discovery_s"],
                   daily_without_discovery=uni["daily_without_s"])
    ratios["listings_discovery_vs_index_refresh"] = round(uni["daily_with_discovery_s"]
                                                          / uni["daily_without_s"], 3)
    inputs["universe"] = {
        **{k: uni[k] for k in ("listed", "two_listings", "coverage_all", "coverage_two",
                               "coverage_with_discovery", "fetch_workers", "check_exit_codes",
                               "runs_s")},
        "how": "hkpipe refresh --source hkex --universe listings against tests/fakes/hkex.py "
               "(a real HTTP server on 127.0.0.1, each answer rendered once), HKPIPE_HKEX_RATE=0 "
               "and HKPIPE_YAHOO_RATE=0, HKPIPE_FETCH_WORKERS default; starting warehouse: run "
               "--source snapshot, then a universe refresh up to 2026-10-09; measured refresh to "
               "2026-10-16 (5 new sessions a stock, 10 asked with the revision window), every "
               "listed stock vs a seeds copy whose new_economy_listings.csv keeps 2 listed rows. "
               "Check figure: from a warehouse with indexes (Yahoo stand-in) and universe up to "
               "2026-10-15, checked once at 2026-10-16's now; hkpipe check after a universe "
               "refresh (HKEX stand-in) vs after refresh --source yahoo of the indexes "
               "(tests/fakes/yahoo.py in the refreshing process), each to 2026-10-16. "
               "Discovery figure: refresh --source yahoo then --universe listings, with "
               "refresh --listings between them (a List of Securities stand-in with two new "
               "codes) vs without, from the same warehouse"}
    say(f"universe: incremental refresh of {uni['listed']} listed stocks "
        f"{uni['refresh_all_s']:.2f} s / of 2 {uni['refresh_two_s']:.2f} s: ratio "
        f"{ratios['universe_refresh_800_vs_2']:.2f} (goal <= "
        f"{GOALS['universe_refresh_800_vs_2']})")
    say(f"  daily run with discovery {uni['daily_with_discovery_s']:.2f} s / without "
        f"{uni['daily_without_s']:.2f} s: ratio "
        f"{ratios['listings_discovery_vs_index_refresh']:.2f} (goal <= "
        f"{GOALS['listings_discovery_vs_index_refresh']})")
    say(f"  check after a one-session universe refresh {uni['check_universe_s']:.2f} s / after "
        f"an index refresh {uni['check_indexes_s']:.2f} s: ratio "
        f"{ratios['universe_check_vs_index_check']:.2f} (goal <= "
        f"{GOALS['universe_check_vs_index_check']})")


def measure_orchestration(base: Path, seconds: dict, ratios: dict, say) -> None:
    done = subprocess.run([PY, str(ROOT / "benchmarks" / "orchestration.py"), "--warehouse",
                           str(base), "--runs", "3"], cwd=ROOT, env=env(), capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"orchestration benchmark failed:\n{done.stderr[-3000:]}")
    orch = json.loads(done.stdout.strip().splitlines()[-1])
    seconds.update(prefect_trivial_flow=orch["trivial_flow_s"],
                   prefect_daily_flow=orch["daily_flow_s"])
    ratios["orchestration"] = round(orch["daily_flow_s"] / orch["trivial_flow_s"], 3)
    say(f"orchestration: daily flow {orch['daily_flow_s']:.2f} s / trivial two-task flow "
        f"{orch['trivial_flow_s']:.2f} s: ratio {ratios['orchestration']:.2f} (goal <= "
        f"{GOALS['orchestration']})")


def measure_dbt(seconds: dict, ratios: dict, say) -> None:
    """Peer: a dbt-duckdb project doing the minimal job."""
    dbt = peer_dbt_seconds(say)
    seconds["dbt_build"] = dbt
    ratios["run_vs_dbt"] = round(seconds["run_cold"] / dbt, 3)
    ratios["check_cached_vs_dbt"] = round(seconds["check_cached"] / dbt, 3)
    say(f"peer: dbt build {dbt:.2f} s; hkpipe run (cold) / dbt {ratios['run_vs_dbt']:.2f} "
        f"(goal <= {GOALS['run_vs_dbt']}); hkpipe check (unchanged) / dbt "
        f"{ratios['check_cached_vs_dbt']:.2f} (goal <= {GOALS['check_cached_vs_dbt']})")


def find_uv() -> str:
    for candidate in (os.environ.get("UV"), shutil.which("uv"), ROOT / ".tools" / "bin" / "uv"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise SystemExit("setup figure: uv not found (make run installs it into .tools/)")


def measure_setup(seconds: dict, ratios: dict, inputs: dict, say) -> None:
    """Cold set-up: the locked install `make test` does (`uv sync --locked --compile-bytecode
    --extra dev`) against
    `pip install` of the same pins (requirements/dev.txt, exported from uv.lock) plus the
    project, each into a new venv with an empty package cache, from PyPI."""
    uv = find_uv()
    base_python = getattr(sys, "_base_executable", None) or shutil.which("python3")
    uv_s, pip_s, pip_version = [], [], ""
    # Machine-wide pip configuration (local wheel folders, constraints) is left out, so pip
    # downloads exactly what uv does.
    pip_env = {k: v for k, v in env().items() if not k.startswith("PIP_")}
    pip_env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PIP_NO_INPUT="1")
    for i in range(SETUP_RUNS):  # interleaved, so drift in network speed hits both alike
        work = WORK / f"setup{i}"
        uv_venv, pip_venv = work / "uv-venv", work / "pip-venv"
        uv_s.append(timed([uv, "sync", "--locked", "--quiet", "--compile-bytecode", "--extra",
                           "dev", "--python", base_python], extra_env={
            "UV_CACHE_DIR": str(work / "uv-cache"), "UV_PROJECT_ENVIRONMENT": str(uv_venv),
            "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}))
        # pip: a new venv with an up-to-date pip (not timed), then the timed install
        subprocess.run([base_python, "-m", "venv", str(pip_venv)], check=True)
        pip = [str(pip_venv / "bin" / "python"), "-m", "pip"]
        subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True,
                       env={**pip_env, "PIP_CACHE_DIR": str(work / "pip-upgrade-cache")})
        pip_cache = {"PIP_CACHE_DIR": str(work / "pip-cache")}
        started = time.perf_counter()
        for args in (["install", "--quiet", "--require-hashes", "--no-deps", "-r",
                      str(ROOT / "requirements" / "dev.txt")],
                     ["install", "--quiet", "--no-deps", "-e", str(ROOT)]):
            done = subprocess.run([*pip, *args], env={**pip_env, **pip_cache}, cwd=ROOT,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"pip install failed:\n{done.stderr[-3000:]}")
        pip_s.append(time.perf_counter() - started)
        pip_version = subprocess.run([*pip, "--version"], capture_output=True,
                                     text=True).stdout.split()[1]
        shutil.rmtree(work, ignore_errors=True)
    uv_version = subprocess.run([uv, "--version"], capture_output=True, text=True).stdout
    seconds.update(setup_uv_locked=median(uv_s), setup_pip_pinned=median(pip_s))
    ratios["setup_vs_pip"] = round(seconds["setup_uv_locked"] / seconds["setup_pip_pinned"], 3)
    inputs["setup"] = {
        "runs": SETUP_RUNS, "uv": uv_version.strip(), "pip": pip_version,
        "uv_runs_s": [round(s, 2) for s in uv_s],
        "pip_runs_s": [round(s, 2) for s in pip_s],
        "how": "new venv and empty package cache each run; uv sync --locked "
               "--compile-bytecode --extra dev (what make test runs) vs pip install "
               "--require-hashes -r requirements/dev.txt then pip install --no-deps -e . "
               "(both compile bytecode)"}
    say(f"setup: cold locked install with uv {seconds['setup_uv_locked']:.1f} s / pip install "
        f"of the same pins {seconds['setup_pip_pinned']:.1f} s: ratio "
        f"{ratios['setup_vs_pip']:.2f} (goal <= {GOALS['setup_vs_pip']})")


def peer_dbt_seconds(say) -> float:
    """Median wall time of `dbt build` (fresh database each time) in the peer project."""
    venv = ROOT / "benchmarks" / ".dbt-venv"
    dbt = venv / "bin" / "dbt"
    if not dbt.exists():
        say("installing the peer's dbt-core and dbt-duckdb into benchmarks/.dbt-venv ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        # dbt-core 1.12 needs a download at install time that fails offline; 1.10 does not.
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                               "dbt-core>=1.9,<1.11", "dbt-duckdb>=1.9,<1.11"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"could not install dbt for the peer:\n{done.stderr[-2000:]}")
    project = WORK / "peer_dbt"
    shutil.copytree(ROOT / "benchmarks" / "peer_dbt", project,
                    ignore=shutil.ignore_patterns("target", "logs", "*.csv"))
    shutil.copyfile(ROOT / "seeds" / "prices" / "HSI.csv", project / "seeds" / "HSI.csv")
    runs = []
    for i in range(3):
        db = WORK / f"peer{i}.duckdb"
        runs.append(timed([str(dbt), "build", "--quiet"], cwd=project, extra_env={
            "PEER_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(project),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}))
    return median(runs)


if __name__ == "__main__":
    raise SystemExit(main())
