"""Is uv.lock in step with pyproject.toml, and requirements/*.txt with uv.lock?

    python scripts/check_lock.py [PROJECT_DIR]

Prints "lock ok" and exits 0, or prints one line saying what disagrees and exits 1. Needs no
network and no uv (so it also guards the pip fallback); `uv lock --check` is the fuller test
and the tests run it too when uv is present. Fix a disagreement with `make lock`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "hkpipe"
FIX = "run `make lock` and commit uv.lock and requirements/"


def _norm(req: Requirement, extra: str | None = None) -> str:
    marker = str(req.marker) if req.marker else ""
    if extra:
        marker = f"extra == '{extra}'" + (f" and ({marker})" if marker else "")
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    spec = ",".join(sorted(str(s) for s in req.specifier))
    text = f"{canonicalize_name(req.name)}{extras}{spec}"
    # Re-parsed, so the marker is spelled one way whatever quotes either file used.
    return str(Requirement(f"{text}; {marker}")) if marker else text


def wanted(pyproject: dict) -> set[str]:
    """The project's requirements as pyproject.toml states them, normalised."""
    project = pyproject["project"]
    out = {_norm(Requirement(r)) for r in project.get("dependencies", [])}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        out |= {_norm(Requirement(r), extra) for r in reqs}
    return out


def locked(lock: dict) -> set[str]:
    """The project's requirements as uv.lock recorded them when it was resolved."""
    entry = next(p for p in lock["package"] if p["name"] == PROJECT)
    out = set()
    for r in entry.get("metadata", {}).get("requires-dist", []):
        text = r["name"] + (f"[{','.join(r['extras'])}]" if r.get("extras") else "") \
            + r.get("specifier", "") + (f"; {r['marker']}" if r.get("marker") else "")
        out.add(_norm(Requirement(text)))
    return out


def locked_pins(lock: dict) -> set[tuple[str, str]]:
    return {(p["name"], p["version"]) for p in lock["package"] if p["name"] != PROJECT}


def exported_pins(path: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """(name, version) pins of an exported requirements file, and pins without a hash."""
    text = path.read_text(encoding="utf-8")
    pins, unhashed = set(), []
    for block in re.split(r"\n(?=\S)", text):
        m = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        if m:
            pins.add((canonicalize_name(m[1]), m[2]))
            if "--hash=sha256:" not in block:
                unhashed.append(m[1])
    return pins, unhashed


def problems(root: Path) -> list[str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    lock_path = root / "uv.lock"
    if not lock_path.exists():
        return [f"uv.lock is missing; {FIX}"]
    lock = tomllib.loads(lock_path.read_text(encoding="utf-8"))
    out = []
    want, have = wanted(pyproject), locked(lock)
    if want != have:
        parts = [f"pyproject.toml asks {r!r}" for r in sorted(want - have)]
        parts += [f"uv.lock was resolved for {r!r}" for r in sorted(have - want)]
        out.append("uv.lock is out of date with pyproject.toml (" + "; ".join(parts)
                   + f"); {FIX}")
    requires_python = pyproject["project"].get("requires-python")
    if requires_python and lock.get("requires-python") != requires_python:
        out.append(f"uv.lock was resolved for requires-python {lock.get('requires-python')!r}, "
                   f"pyproject.toml says {requires_python!r}; {FIX}")
    unhashed = [p["name"] for p in lock["package"] if p["name"] != PROJECT
                and not p.get("sdist", {}).get("hash")
                and not any(w.get("hash") for w in p.get("wheels", []))]
    if unhashed:
        out.append(f"uv.lock has no hashes for {', '.join(unhashed)}; {FIX}")
    pins = locked_pins(lock)
    for name in ("run", "dev"):
        path = root / "requirements" / f"{name}.txt"
        if not path.exists():
            out.append(f"{path.relative_to(root)} is missing; {FIX}")
            continue
        exported, no_hash = exported_pins(path)
        stray = sorted(exported - pins)
        if stray or (name == "dev" and exported != pins):
            missing = sorted(pins - exported) if name == "dev" else []
            out.append(f"{path.relative_to(root)} differs from uv.lock (not locked: "
                       f"{stray or 'none'}; not exported: {missing or 'none'}); {FIX}")
        if no_hash:
            out.append(f"{path.relative_to(root)} pins without hashes: {no_hash}; {FIX}")
    return out


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print("lock ok")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
