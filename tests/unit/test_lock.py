"""uv.lock as a file: hashes and wheels for Python 3.11 to 3.13, and the installed versions are
the locked ones."""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import version

from packaging.markers import Marker

from tests.fakes.common import PROJECT_ROOT

KEY_PACKAGES = ["pandas", "duckdb", "prefect", "great-expectations", "yfinance",
                "exchange-calendars", "filelock"]


def lock() -> dict:
    return tomllib.loads((PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8"))


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
