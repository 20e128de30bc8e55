"""Portable locking: the package imports, and writes, where ``fcntl`` does not exist (Windows)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.common import PROJECT_ROOT, query

# Imported first by every Python started with this folder on PYTHONPATH: makes ``fcntl``
# unimportable, as on Windows.
BLOCKER = '''
import sys

class _NoFcntl:
    def find_spec(self, name, path=None, target=None):
        if name == "fcntl":
            raise ModuleNotFoundError("No module named 'fcntl' (blocked by the test)")
        return None

sys.modules.pop("fcntl", None)
sys.meta_path.insert(0, _NoFcntl())
'''


def no_fcntl_env(tmp_path: Path) -> dict:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(PROJECT_ROOT)])
    return env


def test_the_blocker_really_blocks_fcntl(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import fcntl"], env=no_fcntl_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "blocked by the test" in done.stderr


def test_pipeline_imports_and_writes_without_fcntl(tmp_path):
    env = no_fcntl_env(tmp_path)
    code = ("import sys, hkpipe.warehouse, hkpipe.cli, hkpipe.jobs; "
            "assert 'fcntl' not in sys.modules; print('imported')")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported"

    # A write takes the warehouse lock (filelock falls back to a lock file without flock).
    export = tmp_path / "export.csv"
    export.write_text("date,close\n2025-12-09,8110\n")
    wh = tmp_path / "w.duckdb"
    done = subprocess.run([sys.executable, "-m", "hkpipe.cli", "import-prices", "--symbol",
                           "HKEXT100", str(export), "--warehouse", str(wh)], env=env,
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert query(wh, "SELECT count(*) FROM prices") == [(1,)]


def test_hkpipe_help_works_without_fcntl(tmp_path):
    exe = Path(sys.executable).parent / "hkpipe"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "hkpipe.cli"]
    done = subprocess.run([*cmd, "--help"], env=no_fcntl_env(tmp_path), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage: hkpipe" in done.stdout
