"""Shared fixtures: temporary warehouses built from the project's real bundled seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from hkpipe import jobs
from hkpipe.settings import PROJECT_ROOT, Settings
from hkpipe.warehouse import table_checksums

SEEDS = PROJECT_ROOT / "seeds"


# A closed port on this machine: HKEX is "unreachable" unless a test starts its stand-in, so no
# test ever reaches the real service.
NO_HKEX = {"HKPIPE_HKEX_URL": "http://127.0.0.1:9/hkexwidget/data",
           "HKPIPE_HKEX_TOKEN_URL": "http://127.0.0.1:9/quote"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("HKPIPE_"):
            monkeypatch.delenv(name)
    for name, value in NO_HKEX.items():
        monkeypatch.setenv(name, value)


def make_settings(tmp: Path, seeds_dir: Path = SEEDS) -> Settings:
    return Settings.from_env(warehouse=tmp / "warehouse.duckdb", seeds_dir=seeds_dir,
                             reports_dir=tmp / "reports")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A warehouse built once by `run` on the bundled snapshot; copy it before changing it."""
    tmp = tmp_path_factory.mktemp("built")
    jobs.run(make_settings(tmp))
    return tmp / "warehouse.duckdb"


@pytest.fixture
def built_settings(built, tmp_path) -> Settings:
    """Settings pointing at a private copy of the built warehouse."""
    s = make_settings(tmp_path)
    shutil.copyfile(built, s.warehouse)
    return s


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
