"""The locked install: uv.lock agrees with pyproject.toml and requirements/ (scripts/check_lock.py
and `uv lock --check`, each in its own process). No network: uv runs --offline. (The lock file's
hashes and the installed versions: tests/unit/test_lock.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.fakes.common import PROJECT_ROOT

CHECKER = PROJECT_ROOT / "scripts" / "check_lock.py"


def find_uv() -> str | None:
    for candidate in (shutil.which("uv"), PROJECT_ROOT / ".tools" / "bin" / "uv",
                      Path(sys.executable).parent / "uv"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def run_checker(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True,
                          text=True, timeout=120)


def copy_project_files(target: Path) -> Path:
    target.mkdir()
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copyfile(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "requirements", target / "requirements")
    return target


def test_lock_agrees_with_pyproject_and_requirements():
    done = run_checker(PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "lock ok"


def test_a_changed_pyproject_fails_the_check_with_one_line(tmp_path):
    root = copy_project_files(tmp_path / "p")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pandas>=3.1"', '"pandas>=3.2"'))
    done = run_checker(root)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "uv.lock is out of date with pyproject.toml" in lines[0]
    assert "'pandas>=3.2'" in lines[0] and "make lock" in lines[0]


def test_a_stale_requirements_export_fails_the_check(tmp_path):
    root = copy_project_files(tmp_path / "p")
    dev = root / "requirements" / "dev.txt"
    dev.write_text(dev.read_text().replace(f"duckdb=={version('duckdb')}", "duckdb==1.0.0"))
    done = run_checker(root)
    assert done.returncode == 1
    assert "requirements/dev.txt differs from uv.lock" in done.stderr


@pytest.mark.skipif(find_uv() is None, reason="uv is not installed (pip fallback)")
def test_uv_lock_check_passes_and_catches_a_change(tmp_path):
    uv = find_uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_OFFLINE": "1"}
    done = subprocess.run([uv, "lock", "--check", "--offline"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    root = copy_project_files(tmp_path / "p")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pandas>=3.1"', '"pandas>=3.1.1"'))
    done = subprocess.run([uv, "lock", "--check", "--offline"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "needs to be updated" in done.stderr
