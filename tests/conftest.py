"""Shared fixtures: temporary warehouses built from the project's real bundled seeds."""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from hkpipe import jobs, migrations
from hkpipe.settings import Settings
from tests.fakes.common import FIXTURES, NO_HKEX, make_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("HKPIPE_"):
            monkeypatch.delenv(name)
    for name, value in NO_HKEX.items():
        monkeypatch.setenv(name, value)


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


@pytest.fixture
def legacy(tmp_path):
    """Settings on a private copy of the warehouse written by c087877, the version before
    versioned migrations (tests/fixtures; scripts/make_legacy_fixture.sh rebuilds it)."""
    s = make_settings(tmp_path)
    with gzip.open(FIXTURES / "warehouse_c087877.duckdb.gz") as src, open(s.warehouse, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return s


@pytest.fixture
def own_migrations(tmp_path, monkeypatch):
    """A private copy of sql/migrations that a test may add to or edit."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, folder)
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", folder)
    return folder


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
