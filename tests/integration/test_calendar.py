"""The XHKG calendar in a warehouse: the library takes over when the bundled sessions run out."""

from __future__ import annotations

import duckdb

from hkpipe import calendar, warehouse


def test_the_library_is_used_when_the_bundled_calendar_runs_out(monkeypatch):
    monkeypatch.setattr(calendar, "SEED_MARGIN_DAYS", 365 * 50)
    con = duckdb.connect()
    warehouse.apply_schema(con)
    assert calendar.sync(con)
    key = con.execute("SELECT value FROM pipeline_meta WHERE key = 'calendar'").fetchall()
    assert "exchange_calendars" in key[0][0]
    assert not calendar.sync(con)  # unchanged: nothing rewritten
    assert con.execute("SELECT count(*) FROM calendar_exceptions").fetchall()[0][0] == 38
