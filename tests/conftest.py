"""Shared fixtures: temporary warehouses built from the project's real bundled seeds, and a test
run sealed off from the machine it runs on.

The run reads nothing outside the clone and its temporary folders: ``pytest_configure`` gives
every test process (and what it starts) a private, empty home, so no cache or setting of the
user's (~/.cache/py-yfinance, ~/.cache/matplotlib, ~/.prefect, ~/.config/uv, ~/.netrc) is read
or written; drops every HKPIPE_* variable of the caller's shell; points HKEX at a closed port and
HTTPS at a closed proxy, so no test reaches a real service unless it starts its stand-in (the
opt-in live tests lift that).
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from hkpipe import jobs
from hkpipe.settings import Settings
from hkpipe.warehouse import migrations
from tests.fakes.common import (
    AUGUST_DAY,
    FIXTURES,
    NO_HKEX,
    NO_NETWORK,
    make_settings,
    seeds_as_of,
)

HOME_VARIABLE = "TESTS_HKPIPE_HOME"  # the run's private home (not HKPIPE_*: those are cleaned)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_configure(config):
    home = os.environ.get(HOME_VARIABLE)
    if _worker() == "main" or not home:  # xdist workers inherit the controller's
        home = tempfile.mkdtemp(prefix="hkpipe-tests-home-")
        config._hkpipe_tests_home = home  # removed when the run ends
        os.environ[HOME_VARIABLE] = home
    for name in [n for n in os.environ if n.startswith("HKPIPE_")]:
        del os.environ[name]
    # Caches are per process: two xdist workers never write one yfinance or matplotlib cache.
    own = Path(home) / "per-process" / _worker()
    os.environ.update({
        "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config",
        "XDG_DATA_HOME": f"{home}/.local/share", "XDG_CACHE_HOME": str(own / "cache"),
        "MPLCONFIGDIR": str(own / "matplotlib"), "PREFECT_HOME": f"{home}/.prefect",
        **NO_HKEX, **NO_NETWORK})
    # yfinance makes its cache folder on first use without a lock: two fetch threads racing to
    # create it leave one with an error that turns the timezone cache off for the process (each
    # fetch then asks Yahoo twice). Made here, as it is on a machine that has used yfinance.
    (own / "cache" / "py-yfinance").mkdir(parents=True, exist_ok=True)
    (own / "matplotlib").mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config):
    home = getattr(config, "_hkpipe_tests_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


TIER_ORDER = {"system": 0, "integration": 1, "unit": 2}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` (make test): group as the xdist_group marks say, and hand out the
    slowest tests first.

    pytest-xdist 3.8 tags a grouped test by rewriting ``item._nodeid``, which pytest 9.2's
    structured node ids no longer read, so loadgroup silently groups nothing
    (pytest-dev/pytest-xdist#1386, fix pending in #1388): the tag is set here on the id pytest
    uses, unless xdist already set it. Then the tests go out slow ones first (the system tier,
    the `slow` marks first among them), so no long test starts last while the other worker
    idles; the groups already go first (xdist sorts work units by size)."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        tag = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(tag) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + tag)

    def rank(item) -> tuple[int, int]:
        tier = Path(str(item.path)).parent.name
        return (TIER_ORDER.get(tier, 1), 0 if item.get_closest_marker("slow") else 1)

    items.sort(key=rank)  # stable: file order within each rank


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
    """A warehouse built by `run --source snapshot` on the bundled seeds, once per test run: under
    pytest-xdist the first worker to need it builds it in the run's shared temporary folder
    while the others wait on a lock, then all read the same file. Copy it before changing it."""
    if _worker() == "main":
        root = tmp_path_factory.mktemp("built")
        jobs.run(make_settings(root), source="snapshot")
        return root / "warehouse.duckdb"
    root = tmp_path_factory.getbasetemp().parent / "built"
    with FileLock(f"{root}.lock"):
        if not (root / "warehouse.duckdb").exists():  # published atomically: whole or absent
            root.mkdir(exist_ok=True)
            jobs.run(make_settings(root), source="snapshot")
    return root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def built_august(tmp_path_factory) -> Path:
    """Like ``built``, on the seeds as of AUGUST_DAY (tests.fakes.common.seeds_as_of); its
    settings' seeds_dir is beside it (``august_settings``). Copy it before changing it."""
    def build(root: Path) -> None:
        seeds = seeds_as_of(AUGUST_DAY, root / "seeds")
        jobs.run(make_settings(root, seeds), source="snapshot")

    if _worker() == "main":
        root = tmp_path_factory.mktemp("built_august")
        build(root)
        return root / "warehouse.duckdb"
    root = tmp_path_factory.getbasetemp().parent / "built_august"
    with FileLock(f"{root}.lock"):
        if not (root / "warehouse.duckdb").exists():
            root.mkdir(exist_ok=True)
            build(root)
    return root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real `prefect server start` (tests/fakes/prefect_server.py), once per test process: the
    deployment test deploys to it and runs a worker, the flow tests run their flows against it.
    Their files share the xdist group ``prefect-server``, so under `--dist loadgroup` one
    worker starts it once."""
    from tests.fakes.prefect_server import running_server

    with running_server(tmp_path_factory.mktemp("prefect")) as server:
        yield server


@pytest.fixture
def august_settings(built_august, tmp_path) -> Settings:
    """Settings pointing at a private copy of ``built_august``, with its seeds."""
    s = make_settings(tmp_path, built_august.parent / "seeds")
    shutil.copyfile(built_august, s.warehouse)
    return s


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
    fixture = FIXTURES / "warehouse_c087877.duckdb.gz"
    with gzip.open(fixture) as src, open(s.warehouse, "wb") as dst:
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
