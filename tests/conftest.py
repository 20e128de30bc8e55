"""Shared fixtures: temporary warehouses built from the project's real bundled seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hkpipe import jobs
from hkpipe.settings import Settings
from tests.fakes.common import NO_HKEX, make_settings


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
