"""The XHKG calendar in the warehouse: the bundled sessions, their agreement with the library."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd

from hkpipe import calendar, warehouse


def test_bundled_sessions_equal_the_calendar_library():
    bundled = pd.read_csv(calendar.SESSIONS_SEED, parse_dates=["session", "close_utc"])
    library = calendar.library_sessions()
    library["session"] = pd.to_datetime(library["session"])
    common = library[library["session"] <= bundled["session"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(bundled, common, check_dtype=False)
    # half days close at 12:00 in Hong Kong (04:00 UTC)
    half = bundled[bundled["session"] == "2024-12-24"]["close_utc"].iloc[0]
    assert half == pd.Timestamp("2024-12-24 04:00")


def test_a_build_reads_the_bundled_calendar_without_importing_the_library():
    code = ("import sys, duckdb; from hkpipe import calendar, warehouse; "
            "con = duckdb.connect(); warehouse.apply_schema(con); "
            "assert calendar.sync(con); "
            "print('exchange_calendars' in sys.modules, "
            "con.execute('SELECT count(*) FROM xhkg_sessions').fetchall()[0][0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "False" and int(out[1]) > 10_000


def test_the_library_is_used_when_the_bundled_calendar_runs_out(monkeypatch):
    monkeypatch.setattr(calendar, "SEED_MARGIN_DAYS", 365 * 50)
    con = duckdb.connect()
    warehouse.apply_schema(con)
    assert calendar.sync(con)
    key = con.execute("SELECT value FROM pipeline_meta WHERE key = 'calendar'").fetchall()
    assert "exchange_calendars" in key[0][0]
    assert not calendar.sync(con)  # unchanged: nothing rewritten
    assert con.execute("SELECT count(*) FROM calendar_exceptions").fetchall()[0][0] == 38
