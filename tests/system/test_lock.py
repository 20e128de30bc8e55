"""The locked install: uv.lock agrees with pyproject.toml, carries hashes, covers Python 3.11 to
3.13, and is what is installed. No network: uv runs --offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.markers import Marker

from tests.fakes.common import PROJECT_ROOT

CHECKER = PROJECT_ROOT / "scripts" / "check_lock.py"
KEY_PACKAGES = ["pandas", "duckdb", "prefect", "great-expectations", "yfinance",
                "exchange-calendars", "filelock"]


def lock() -> dict:
    return tomllib.loads((PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8"))


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


def test_lock_has_hashes_and_wheels_for_python_311_to_313():
    packages = [p for p in lock()["package"] if p["name"] != "hkpipe"]
    assert len(packages) > 50
    for p in packages:
        hashes = [w.get("hash") for w in p.get("wheels", [])] + [p.get("sdist", {}).get("hash")]
        assert any(h and h.startswith("sha256:") for h in hashes), p["name"]
    for name in ("numpy", "pandas", "duckdb", "pydantic-core"):
        wheels = [w["url"].rsplit("/", 1)[1] for p in packages if p["name"] == name
                  for w in p.get("wheels", [])]
        for minor in (11, 12, 13):
            for platform in ("manylinux", "win_amd64"):
                assert any(wheel_serves(w, minor, platform) for w in wheels), (
                    f"{name} has no wheel for CPython 3.{minor} on {platform} in uv.lock")


def wheel_serves(filename: str, minor: int, platform: str) -> bool:
    """Does a wheel install on CPython 3.<minor> on ``platform`` (x86_64)?"""
    python, abi, plat = filename[:-len(".whl")].split("-")[-3:]
    if platform not in plat or ("manylinux" in platform and "x86_64" not in plat):
        return False
    for tag in python.split("."):
        if tag in ("py3", f"cp3{minor}"):
            return True
        if abi == "abi3" and tag.startswith("cp3") and int(tag[3:]) <= minor:
            return True
    return False


def test_installed_versions_are_the_locked_ones():
    env = {"python_full_version": ".".join(map(str, sys.version_info[:3])),
           "python_version": f"{sys.version_info[0]}.{sys.version_info[1]}"}
    for name in KEY_PACKAGES:
        entries = [p for p in lock()["package"] if p["name"] == name]
        assert entries, f"{name} is not in uv.lock"
        if len(entries) > 1:  # forked by Python version: take the entry for this Python
            entries = [p for p in entries if any(Marker(m).evaluate(env)
                                                 for m in p.get("resolution-markers", []))]
        assert [p["version"] for p in entries] == [version(name)], name
