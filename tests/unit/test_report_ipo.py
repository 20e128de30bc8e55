"""The report's IPO queries: one statement each, in its own file, none written in Python."""

from __future__ import annotations

from pathlib import Path

import duckdb

from hkpipe import ipo_stats, report


def test_every_ipo_query_is_one_statement_in_its_own_file():
    from hkpipe.settings import SQL_DIR

    files = sorted((SQL_DIR / "report").glob("ipo_*.sql"))
    assert len(files) == 14
    con = duckdb.connect()
    try:
        for path in files:
            assert len(con.extract_statements(path.read_text())) == 1, path.name
    finally:
        con.close()
    # no SQL written in Python
    assert all("SELECT" not in Path(m.__file__).read_text() for m in (report, ipo_stats))
