"""Issue 22 item 15: `hkpipe.connect()` always sees the latest publish, also inside a process
that still holds a connection to the warehouse (where a second `duckdb.connect(path,
read_only=True)` reuses DuckDB's cached instance and keeps reading the old version)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

import hkpipe
from hkpipe import sqlfiles, warehouse
from hkpipe.errors import PipelineError


def publish_mark(path, value: str) -> None:
    with warehouse.build(path) as con:
        con.execute(sqlfiles.query("load/meta_set"), {"key": "hardening-test", "value": value})


def mark(con) -> str | None:
    rows = con.execute("SELECT value FROM pipeline_meta WHERE key = 'hardening-test'").fetchall()
    return rows[0][0] if rows else None


def test_connect_sees_a_publish_made_while_a_connection_is_open(built_settings):
    path = built_settings.warehouse
    publish_mark(path, "one")
    held = duckdb.connect(str(path), read_only=True)  # a notebook's earlier connection
    try:
        assert mark(held) == "one"
        first = hkpipe.connect(path)
        publish_mark(path, "two")
        # the caveat: reconnecting the plain way, while `held` is open, still reads "one"
        again = duckdb.connect(str(path), read_only=True)
        assert mark(again) == "one"
        again.close()
        latest = hkpipe.connect(path)
        assert mark(latest) == "two"
        assert mark(first) == "one"  # an open connection keeps the version it opened
        publish_mark(path, "three")
        assert mark(hkpipe.connect(path)) == "three"  # with two of its own still open
        latest.close()
        first.close()
    finally:
        held.close()


def test_views_and_table_macros_work_unqualified(built_settings, monkeypatch):
    monkeypatch.setenv("HKPIPE_WAREHOUSE", str(built_settings.warehouse))
    con = hkpipe.connect()  # the path from HKPIPE_WAREHOUSE, as the commands take it
    try:
        assert con.execute("SELECT count(*) FROM prices").fetchone()[0] > 10_000
        assert con.execute("SELECT count(*) FROM first_trading_day_returns").fetchone()[0] > 0
        assert con.execute("SELECT listings FROM new_economy_count('2025-01-01', 'core')"
                           ).fetchone()[0] > 0
        assert con.execute("SELECT core FROM new_economy_tiers_at('2025-01-01')"
                           ).fetchone()[0] > 0
        assert con.execute("SELECT source_rank('hkex')").fetchone()[0] is not None
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE mine AS SELECT 1")
        con.execute("CREATE TABLE memory.main.mine AS SELECT 1 AS x")  # scratch space
    finally:
        con.close()


def test_connect_without_a_warehouse_says_how_to_build_it(tmp_path):
    with pytest.raises(PipelineError, match="hkpipe run"):
        hkpipe.connect(tmp_path / "none.duckdb")


def test_import_hkpipe_does_not_import_duckdb():
    out = subprocess.run([sys.executable, "-c", "import sys, hkpipe; hkpipe.connect; "
                          "print('duckdb' in sys.modules)"], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr
