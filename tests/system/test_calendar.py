"""The XHKG calendar in a fresh interpreter: a build reads the bundled sessions without importing
the calendar library."""

from __future__ import annotations

import subprocess
import sys


def test_a_build_reads_the_bundled_calendar_without_importing_the_library():
    code = ("import sys, duckdb; from hkpipe import calendar, warehouse; "
            "con = duckdb.connect(); warehouse.apply_schema(con); "
            "assert calendar.sync(con); "
            "print('exchange_calendars' in sys.modules, "
            "con.execute('SELECT count(*) FROM xhkg_sessions').fetchall()[0][0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "False" and int(out[1]) > 10_000
