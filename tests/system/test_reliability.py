"""Nothing lost under kills and concurrent processes: SIGKILL at random points, an analyst
reading through refreshes, two writers at once, a held lock, a dead network."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from hkpipe import warehouse
from hkpipe.checks import integrity
from tests.fakes.cli import hkpipe_in_process
from tests.fakes.common import SEEDS, checksums

DATA_TABLES = ["prices", "indexes", "new_economy_listings", "market_events", "published_counts",
               "index_constituents"]


HISTORY_TABLES = ["load_runs", "claim_results"]


def cli(*args, env=None, **popen):
    full = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    full.update(env or {})
    return [sys.executable, "-m", "hkpipe.cli", *args], full


def run_cli(*args, env=None, timeout=300):
    cmd, full = cli(*args, env=env)
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=timeout)


def revised_seeds(tmp_path: Path, factor: float, name: str) -> Path:
    """The bundled seeds with the last 200 HSI bars scaled by ``factor`` (a vendor revision)."""
    seeds = tmp_path / name
    shutil.copytree(SEEDS, seeds)
    hsi = seeds / "prices" / "HSI.csv"
    frame = pd.read_csv(hsi, dtype=str, keep_default_na=False)
    for col in ("open", "high", "low", "close"):
        values = pd.to_numeric(frame.loc[frame.index[-200:], col])
        frame.loc[frame.index[-200:], col] = (values * factor).round(2).map("{:.2f}".format)
    frame.to_csv(hsi, index=False)
    return seeds


PRICE_VALUES = ("SELECT count(*), sum(hash(symbol, trade_date, open, high, low, close, "
                "adj_close, volume, turnover_hkd, source))::VARCHAR FROM prices")


def state(path: Path) -> tuple[dict, dict]:
    """(data-table checksums, history-table row counts) of a warehouse that must open.

    Prices are compared without loaded_at, which records when a run wrote a row.
    """
    con = duckdb.connect(str(path), read_only=True)
    try:
        failed = [c for c in integrity.run(con) if not c.ok]
        assert not failed, failed
        data = warehouse.table_checksums(con, DATA_TABLES[1:])
        data["prices"] = tuple(con.execute(PRICE_VALUES).fetchall()[0])
        history = {t: n for t, (n, _) in warehouse.table_checksums(con, HISTORY_TABLES).items()}
        return data, history
    finally:
        con.close()


def leftovers(path: Path) -> list[str]:
    return [p.name for p in path.parent.iterdir() if ".building-" in p.name]


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_the_state_before_or_after(built, tmp_path):
    seeds = revised_seeds(tmp_path, 1.01, "seeds_b")
    base = tmp_path / "base.duckdb"
    shutil.copyfile(built, base)
    before = state(base)
    after, duration = {}, {}
    for command in ("refresh", "run"):
        ref = tmp_path / f"after_{command}.duckdb"
        shutil.copyfile(base, ref)
        started = time.monotonic()
        done = run_cli(command, "--source", "snapshot", "--seeds-dir", str(seeds),
                       "--warehouse", str(ref))
        duration[command] = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        after[command] = state(ref)
        assert after[command][0] != before[0]  # the run really changes the data
    # Stratified kill points: each command's span (to 1.1x its duration) is cut into as many
    # equal strata as it has kills, one random point in each, so 12 kills cover the whole run
    # as evenly as many more purely random ones would (each kill costs a partial run and a
    # full integrity read).
    rng = random.Random(20261126)
    kills = [("run", k, 4) for k in range(4)] + [("refresh", k, 8) for k in range(8)]
    rng.shuffle(kills)
    outcomes = {"before": 0, "after": 0}
    live = tmp_path / "live.duckdb"
    for i, (command, stratum, strata) in enumerate(kills):
        shutil.copyfile(base, live)
        cmd, env = cli(command, "--source", "snapshot", "--seeds-dir", str(seeds),
                       "--warehouse", str(live))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        span = duration[command] * 1.1 - 0.05
        time.sleep(0.05 + span * (stratum + rng.random()) / strata)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data, history = state(live)  # opens and passes integrity after every kill
        if data == before[0]:
            outcomes["before"] += 1
            assert history == before[1]
        else:
            assert data == after[command][0], f"kill {i} ({command}) left a third state"
            outcomes["after"] += 1
            assert all(history[t] >= before[1][t] for t in HISTORY_TABLES)
    # the next run cleans up what a killed run left behind (in this process: what it finds
    # on disk is what matters)
    done = hkpipe_in_process("refresh", "--source", "snapshot", "--warehouse", str(live))
    assert done.returncode == 0, done.stderr
    assert leftovers(live) == []
    assert outcomes["before"] > 0  # the kills did land mid-run


ANALYST = textwrap.dedent("""
    import json, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            q = "SELECT count(*), round(sum(close), 2) FROM prices"
            first = con.execute(q).fetchall()[0]
            time.sleep(0.01)
            second = con.execute(q).fetchall()[0]   # same connection: must see the same version
            con.close()
            print(json.dumps({"first": list(first), "second": list(second)}), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        time.sleep(0.02)
""")


@pytest.mark.slow
def test_analyst_reads_through_ten_refreshes_without_lock_errors_or_torn_reads(built_settings,
                                                                             tmp_path):
    path = built_settings.warehouse
    seeds = {"a": SEEDS, "b": revised_seeds(tmp_path, 1.02, "seeds_b")}
    valid = set()
    # The refreshes run in this process: the analyst is a process of its own either way, and
    # each refresh saves an interpreter start and its imports.
    for name in ("b", "a"):  # the two versions the refreshes flip between
        assert hkpipe_in_process("refresh", "--source", "snapshot", "--seeds-dir",
                                 str(seeds[name]), "--warehouse", str(path)).returncode == 0
        con = duckdb.connect(str(path), read_only=True)
        valid.add(tuple(con.execute("SELECT count(*), round(sum(close), 2) FROM prices")
                        .fetchall()[0]))
        con.close()
    stop = tmp_path / "stop"
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(path), str(stop)],
                               stdout=subprocess.PIPE, text=True)
    try:
        for i in range(10):
            done = hkpipe_in_process("refresh", "--source", "snapshot", "--seeds-dir",
                                     str(seeds["b" if i % 2 == 0 else "a"]), "--warehouse",
                                     str(path))
            assert done.returncode == 0, done.stderr
    finally:
        stop.touch()
        out, _ = analyst.communicate(timeout=60)
    reads = [json.loads(line) for line in out.splitlines()]
    errors = [r["error"] for r in reads if "error" in r]
    assert errors == []
    assert len(reads) >= 10
    for r in reads:
        assert r["first"] == r["second"]
        assert tuple(r["first"]) in valid, r
    assert {tuple(r["first"]) for r in reads} == valid  # both versions were seen


def test_two_refreshes_at_once_are_serialised(built_settings, tmp_path):
    seeds_b = revised_seeds(tmp_path, 1.03, "seeds_b")
    procs = []
    for seeds in (SEEDS, seeds_b):
        cmd, env = cli("refresh", "--source", "snapshot", "--seeds-dir", str(seeds),
                       "--warehouse", str(built_settings.warehouse))
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0], results  # the second waited its turn
    state(built_settings.warehouse)


def test_a_writer_that_cannot_get_the_lock_refuses_clearly(built_settings):
    before = checksums(built_settings.warehouse)
    with warehouse.write_lock(built_settings.warehouse, timeout=1):
        done = run_cli("refresh", "--source", "snapshot", "--warehouse",
                       str(built_settings.warehouse), env={"HKPIPE_LOCK_TIMEOUT": "0.5"})
    assert done.returncode == 3
    assert "another hkpipe command is writing" in done.stderr
    assert checksums(built_settings.warehouse) == before


def test_refresh_through_a_dead_network_fails_cleanly(built_settings, silent_proxy):
    before = checksums(built_settings.warehouse)
    done = run_cli("refresh", "--source", "yahoo", "--warehouse", str(built_settings.warehouse),
                   env={"HKPIPE_YAHOO_TIMEOUT": "1", "HKPIPE_YAHOO_ATTEMPTS": "2",
                        "HTTPS_PROXY": silent_proxy, "https_proxy": silent_proxy})
    assert done.returncode == 3
    assert "no answer within the timeout" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert checksums(built_settings.warehouse) == before
