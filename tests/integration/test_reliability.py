"""Nothing lost under kills, concurrent readers and writers, bad input and network faults."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from hkpipe import warehouse
from hkpipe.checks import integrity
from hkpipe.errors import SourceError
from hkpipe.settings import PROJECT_ROOT
from hkpipe.sources import yahoo
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
    rng = random.Random(20261126)
    outcomes = {"before": 0, "after": 0}
    live = tmp_path / "live.duckdb"
    for i in range(24):
        command = "run" if i % 3 == 0 else "refresh"
        shutil.copyfile(base, live)
        cmd, env = cli(command, "--source", "snapshot", "--seeds-dir", str(seeds),
                       "--warehouse", str(live))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration[command] * 1.1))
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
    # the next run cleans up what a killed run left behind
    done = run_cli("refresh", "--source", "snapshot", "--warehouse", str(live))
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
    for name in ("b", "a"):  # the two versions the refreshes flip between
        assert run_cli("refresh", "--source", "snapshot", "--seeds-dir", str(seeds[name]),
                       "--warehouse", str(path)).returncode == 0
        con = duckdb.connect(str(path), read_only=True)
        valid.add(tuple(con.execute("SELECT count(*), round(sum(close), 2) FROM prices")
                        .fetchall()[0]))
        con.close()
    stop = tmp_path / "stop"
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(path), str(stop)],
                               stdout=subprocess.PIPE, text=True)
    try:
        for i in range(10):
            done = run_cli("refresh", "--source", "snapshot", "--seeds-dir",
                           str(seeds["b" if i % 2 == 0 else "a"]), "--warehouse", str(path))
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


# --- bad input: every case exits 2, names the file and line or field, changes nothing ------

def edit_csv(path: Path, fn):
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(fn(text) if isinstance(fn(text), bytes) else fn(text).encode("utf-8"))


def replace_line(n: int, fn):
    def edit(text):
        lines = text.split("\n")
        lines[n - 1] = fn(lines[n - 1])
        return "\n".join(lines)
    return edit


def set_field(n: int, index: int, value: str):
    def fn(line):
        cells = line.split(",")
        cells[index] = value
        return ",".join(cells)
    return replace_line(n, fn)


BAD_SEEDS = [
    # (label, file, edit, expected fragments of the error)
    ("missing column", "indexes.csv",
     lambda t: t.replace("symbol,name,provider,", "symbol,name,", 1), ["indexes.csv", "line 1",
                                                                       "provider"]),
    ("extra column", "market_events.csv",
     lambda t: t.replace("event_id,event,", "event_id,colour,event,", 1),
     ["market_events.csv", "line 1"]),
    ("bad date", "prices/HSI.csv", set_field(500, 0, "1988-13-01"),
     ["HSI.csv", "line 500", "field 'date'"]),
    ("future date", "new_economy_listings.csv", replace_line(
        5, lambda line: re.sub(r"20\d\d-\d\d-\d\d", "2099-01-01", line, count=1)),
     ["new_economy_listings.csv", "line 5", "future"]),
    ("duplicate key", "market_events.csv",
     lambda t: t.rstrip("\n") + "\n" + t.strip().split("\n")[2] + "\n",
     ["market_events.csv", "duplicate key"]),
    ("non-numeric price", "prices/HSI.csv", set_field(900, 4, "12,0x"),
     ["HSI.csv", "line 900"]),
    ("negative price", "prices/HSTECH.csv", set_field(30, 4, "-3006.61"),
     ["HSTECH.csv", "line 30", "field 'close'"]),
    ("high below low", "prices/HSI.csv", set_field(9000, 2, "1.00"),
     ["HSI.csv", "line 9000", "field 'high'"]),
    ("empty file", "published_counts.csv", lambda t: "", ["published_counts.csv", "empty"]),
    ("non-UTF-8", "new_economy_listings.csv",
     lambda t: t.encode("utf-8").replace("花房集团".encode(), "花房集团".encode("gbk")),
     ["new_economy_listings.csv", "not UTF-8", "line"]),
    ("wrong delimiter", "indexes.csv", lambda t: t.replace(",", ";"),
     ["indexes.csv", "line 1", "delimiter"]),
    ("header only", "prices/HSTECH.csv", lambda t: t.split("\n")[0] + "\n",
     ["HSTECH.csv", "no data rows"]),
    ("Excel-style quoted code", "new_economy_listings.csv",
     replace_line(3, lambda line: '"=""' + line[:5] + '"""' + line[5:]),
     ["new_economy_listings.csv", "line 3", "stock_code"]),
    ("Excel thousands separator", "prices/HSI.csv", set_field(9700, 4, '"25,630.54"'),
     ["HSI.csv", "line 9700"]),
    ("ledger verdict", "articles/globaltimes-2026-01-04/claims.csv",
     lambda t: t.replace(",fails,", ",wrong,", 1), ["claims.csv", "line 2", "field 'expected'"]),
    ("ledger query escaping sql/claims", "articles/official-new-economy-counts/claims.csv",
     lambda t: t.replace(",published_count,", ",../load/prices_update,", 1),
     ["claims.csv", "line 2", "field 'query'"]),
]


@pytest.mark.parametrize("label,name,edit,fragments", BAD_SEEDS, ids=[c[0] for c in BAD_SEEDS])
def test_bad_seed_exits_2_names_file_and_line_and_changes_nothing(built_settings, tmp_path,
                                                                  label, name, edit, fragments):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / name
    raw = path.read_bytes().decode("utf-8")
    new = edit(raw)
    path.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
    before = checksums(built_settings.warehouse)
    done = run_cli("load-seeds", "--seeds-dir", str(seeds), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, (done.stdout, done.stderr)
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1
    for fragment in fragments:
        assert fragment in message, message
    assert checksums(built_settings.warehouse) == before


@pytest.mark.parametrize("where", ["missing folder", "read-only place", "not DuckDB"])
def test_bad_warehouse_path_exits_2(tmp_path, where):
    if where == "missing folder":
        path = tmp_path / "nope" / "w.duckdb"
    elif where == "read-only place":
        path = Path("/sys/hkpipe-warehouse.duckdb")  # sysfs refuses new files, even to root
        if os.access("/sys", os.W_OK) and not Path("/sys/kernel").exists():
            pytest.skip("no read-only filesystem here")
    else:
        path = tmp_path / "w.duckdb"
        path.write_bytes(b"\x00" * 4096)
    done = run_cli("load-seeds", "--warehouse", str(path))
    assert done.returncode == 2, done.stderr
    assert str(path.parent if where == "missing folder" else path) in done.stderr
    assert not (tmp_path / "nope").exists()


# --- network faults on the Yahoo path -------------------------------------------------------

@pytest.fixture
def silent_proxy(monkeypatch):
    """A proxy on loopback that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield url
    server.close()
    for conn in held:
        conn.close()


def test_a_server_that_never_answers_is_bounded_by_the_fetch_timeout(silent_proxy):
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        yahoo.fetch("^HSI", date(2026, 8, 20), date(2026, 8, 25), timeout=2, attempts=2,
                    backoff=0.1)
    elapsed = time.monotonic() - started
    assert err.value.kind == "timeout"
    assert "no answer within the timeout" in str(err.value)
    assert elapsed < 2 * 2 + 5  # two attempts of at most 2 s each, plus the backoff


def test_refresh_through_a_dead_network_fails_cleanly(built_settings, silent_proxy):
    before = checksums(built_settings.warehouse)
    done = run_cli("refresh", "--source", "yahoo", "--warehouse", str(built_settings.warehouse),
                   env={"HKPIPE_YAHOO_TIMEOUT": "1", "HKPIPE_YAHOO_ATTEMPTS": "2",
                        "HTTPS_PROXY": silent_proxy, "https_proxy": silent_proxy})
    assert done.returncode == 3
    assert "no answer within the timeout" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert checksums(built_settings.warehouse) == before


# --- hygiene -----------------------------------------------------------------------------------

EXECUTE = re.compile(r"\.(execute|executemany|sql|aggregate|filter)\(")
SAFE_ARGUMENT = re.compile(r"""(sqlfiles\.)?(query|file_text)\(|"[A-Z][A-Z_ ]*[a-z_]*"\)|\)""")


def formatted_sql_calls(text: str) -> list[int]:
    """Lines of SQL calls whose SQL is neither a named file from sql/ nor a constant."""
    lines = []
    for m in EXECUTE.finditer(text):
        argument = text[m.end():m.end() + 60].lstrip()
        if m.group(1) == "aggregate" and argument.startswith('"count(*)'):
            continue  # the checksum expression, a constant
        if not SAFE_ARGUMENT.match(argument):
            lines.append(text[:m.start()].count("\n") + 1)
    return lines


def test_the_formatting_detector_catches_formatted_sql():
    assert formatted_sql_calls('con.execute(f"SELECT * FROM t WHERE s = {symbol}")') == [1]
    assert formatted_sql_calls('con.execute("SELECT %s" % symbol)') == [1]
    assert formatted_sql_calls('con.sql("SELECT " + symbol)') == [1]
    assert formatted_sql_calls('con.execute(sqlfiles.query("load/x"), {"a": 1})') == []
    assert formatted_sql_calls('con.execute("CHECKPOINT")') == []


def test_no_sql_is_built_by_formatting_input():
    """Every SQL call in hkpipe/ and flows/ runs a named file from sql/ (whose parameters
    are bound) or a constant statement; none formats values into SQL text."""
    offenders = []
    for folder in ("hkpipe", "flows"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            text = path.read_text()
            offenders += [f"{path.relative_to(PROJECT_ROOT)}:{n}"
                          for n in formatted_sql_calls(text)]
    assert offenders == []


def test_read_only_commands_never_open_the_warehouse_for_writing(built_settings, monkeypatch):
    """check --no-record and report open the published file read-only only."""
    opened = []
    real_connect = duckdb.connect

    def spy(database=":memory:", read_only=False, **kw):
        opened.append((str(database), read_only))
        return real_connect(database, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", spy)
    from hkpipe import jobs
    jobs.check(replace(built_settings), record=False)
    jobs.report(built_settings, built_settings.reports_dir, data_docs=False)
    live = str(built_settings.warehouse)
    assert opened and all(ro for db, ro in opened if db == live)


BAD_IMPORTS = [
    ("missing file", None, "file not found"),
    ("extra column", "date,close,name\n2025-12-09,8110,x\n", "unexpected column"),
    ("header only", "date,close\n", "no data rows"),
    ("fractional volume", "date,close,volume\n2025-12-09,8110,10.5\n", "not a whole number"),
    ("slash date", "date,close\n2025/12/09,8110\n", "not a date"),
    ("NaN close", "date,close\n2025-12-09,NaN\n", "not a number"),
    ("duplicate dates", "date,close\n2025-12-09,8110\n2025-12-09,8111\n", "more than once"),
    ("Sunday", "date,close\n2025-12-09,8110\n2025-12-07,8090\n",
     "line 3, field 'date': 2025-12-07 (Sunday) is not an XHKG session"),
    ("all-day closure", "date,close\n2023-09-08,8110\n",
     "2023-09-08 (Friday) is not an XHKG session"),  # black rainstorm, documented closure
]


@pytest.mark.parametrize("label,text,fragment", BAD_IMPORTS, ids=[c[0] for c in BAD_IMPORTS])
def test_bad_price_import_exits_2_and_changes_nothing(built_settings, tmp_path, label, text,
                                                      fragment):
    path = tmp_path / "export.csv"
    if text is not None:
        path.write_text(text)
    before = checksums(built_settings.warehouse)
    done = run_cli("import-prices", "--symbol", "HKEXT100", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, done.stderr
    assert str(path) in done.stderr and fragment in done.stderr
    assert checksums(built_settings.warehouse) == before


def test_import_for_an_unregistered_symbol_exits_2_and_changes_nothing(built_settings,
                                                                        tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("date,close\n2025-12-09,8110\n")
    before = checksums(built_settings.warehouse)
    done = run_cli("import-prices", "--symbol", "NOSUCH", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, done.stderr
    assert "seeds/indexes.csv, field 'symbol': symbol 'NOSUCH' is not in the index registry" \
        in done.stderr
    assert checksums(built_settings.warehouse) == before


def test_import_on_a_documented_extra_session_is_accepted(built_settings, tmp_path):
    # 1987-05-05: Buddha's Birthday was not yet a holiday; exchange_calendars misses the day.
    path = tmp_path / "export.csv"
    path.write_text("date,close\n1987-05-05,2713.80\n")  # the bundled HSI close that day
    done = run_cli("import-prices", "--symbol", "^HSI", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 0, done.stderr
