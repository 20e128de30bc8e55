"""One clock: HKPIPE_NOW is "now", and nothing else in the pipeline reads the wall clock."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from hkpipe.settings import PROJECT_ROOT, Settings, clock, hk_today

REPLAY_NOW = "2026-05-04T18:00:00+08:00"  # a Monday, after the Hong Kong close


def test_clock_is_hkpipe_now_when_set(monkeypatch):
    monkeypatch.setenv("HKPIPE_NOW", REPLAY_NOW)
    assert clock() == pd.Timestamp("2026-05-04T10:00:00Z")
    assert hk_today() == date(2026, 5, 4)
    assert Settings.from_env().today() == date(2026, 5, 4)
    # an explicit value wins over the environment
    assert hk_today("2026-05-04T23:30:00+00:00") == date(2026, 5, 5)


def test_nothing_in_the_pipeline_reads_the_wall_clock_but_the_clock_and_audit_stamps():
    wall = re.compile(r"Timestamp\.now|date\.today|datetime\.now|datetime\.utcnow|time\.time\(")
    allowed = {("hkpipe/settings.py", "def clock"), ("hkpipe/settings.py", "def utc_now")}
    found = []
    for path in sorted((PROJECT_ROOT / "hkpipe").rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        function = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("def "):
                function = line.split("(")[0]
            if wall.search(line) and (rel, function) not in allowed:
                found.append(f"{rel}: {line.strip()}")
    assert not found, found
