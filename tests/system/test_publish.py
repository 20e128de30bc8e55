"""Atomic publishing seen from reader processes: never blocked, never a torn file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from hkpipe import calendar, jobs
from tests.fakes.common import query

READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM load_runs").fetchall()[0][0], flush=True)
    sys.stdin.readline()          # hold the connection open while the parent publishes
    print(con.execute("SELECT count(*) FROM load_runs").fetchall()[0][0], flush=True)
""")


NEW_READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM load_runs").fetchall()[0][0], flush=True)
""")


def test_reader_keeps_its_snapshot_while_a_run_publishes(built_settings):
    path = str(built_settings.warehouse)
    reader = subprocess.Popen([sys.executable, "-c", READER, path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        before = int(reader.stdout.readline())
        jobs.run(built_settings)  # must not fail on the reader's open connection
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    assert int(out.split()[0]) == before  # the open connection still sees its version
    new = subprocess.run([sys.executable, "-c", NEW_READER, path], capture_output=True,
                         text=True, check=True)
    assert int(new.stdout) == before + 2  # a new connection sees the published run


LOOPING_READER = textwrap.dedent("""
    import json, os, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    print("ready", flush=True)
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            # one statement, one snapshot: the rows and the load record that wrote them
            rows, recorded = con.execute(
                "SELECT (SELECT count(*) FROM prices WHERE symbol = 'HKEXT100'), "
                "(SELECT coalesce(sum(rows_inserted), 0) FROM load_runs "
                "WHERE symbol = 'HKEXT100')").fetchall()[0]
            con.close()
            print(json.dumps([rows, int(recorded)]), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        time.sleep(0.005)
""")


def test_a_reader_reading_during_publishes_always_sees_a_consistent_file(built_settings,
                                                                         tmp_path):
    path = built_settings.warehouse
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", LOOPING_READER, str(path), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        assert reader.stdout.readline().strip() == "ready"
        lines.append(reader.stdout.readline())  # a read before the first publish
        for batch in range(4):  # four publishes, each adding five sessions of HKEXT100
            days = [f"{d:%Y-%m-%d}" for d in
                    calendar.sessions(f"2025-0{batch + 1}-06", f"2025-0{batch + 1}-28")[:5]]
            csv_path = tmp_path / f"batch{batch}.csv"
            csv_path.write_text("date,close\n" + "".join(f"{d},{100 + i}\n"
                                                         for i, d in enumerate(days)))
            jobs.import_prices(built_settings, "HKEXT100", csv_path)
        while lines[-1] and '[20, 20]' not in lines[-1] and '"error"' not in lines[-1]:
            lines.append(reader.stdout.readline())  # until it has read the last publish
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    reads = [json.loads(line) for line in lines + out.splitlines() if line.strip()]
    assert [r for r in reads if isinstance(r, dict)] == [], err  # no lock error, no torn file
    assert all(rows == recorded for rows, recorded in reads), reads  # never half a publish
    seen = {rows for rows, _ in reads}
    assert {0, 20} <= seen and seen <= {0, 5, 10, 15, 20}  # before, during and after
    assert query(path, "SELECT count(*) FROM prices WHERE symbol = 'HKEXT100'")[0][0] == 20
