"""Paths and small read helpers for every tier; the fixtures built on them are in
tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import duckdb

from hkpipe.settings import PROJECT_ROOT, Settings
from hkpipe.warehouse import table_checksums

SEEDS = PROJECT_ROOT / "seeds"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"

# A closed port on this machine: HKEX is "unreachable" unless a test starts its stand-in, so no
# test ever reaches the real service.
NO_HKEX = {"HKPIPE_HKEX_URL": "http://127.0.0.1:9/hkexwidget/data",
           "HKPIPE_HKEX_TOKEN_URL": "http://127.0.0.1:9/quote"}
# HTTPS through a closed proxy: Yahoo (and any other real service) is "unreachable" for every
# test and what it starts, whatever network the machine has; loopback stays direct.
NO_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def make_settings(tmp: Path, seeds_dir: Path = SEEDS) -> Settings:
    return Settings.from_env(warehouse=tmp / "warehouse.duckdb", seeds_dir=seeds_dir,
                             reports_dir=tmp / "reports")


def checksums(path: Path, tables: list[str] | None = None) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return table_checksums(con, tables)
    finally:
        con.close()


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def retried_fetch(source, *args, attempts: int = 3, backoff: float = 2.0, sleep=None, **kwargs):
    """One ``source.fetch`` under the ingest path's one retry rule (what a refresh does)."""
    from hkpipe.ingest.fetch import with_retries

    return with_retries(lambda: source.fetch(*args, **kwargs), attempts=attempts,
                        backoff=backoff, sleep=sleep)
