"""Scenario data for a universe refresh: five sessions of bars per listed stock, distinct per
stock, served by the Yahoo stand-in."""

from __future__ import annotations

import pandas as pd

from hkpipe import calendar

from .yahoo import bars

# Friday 2026-08-28, 18:00 in Hong Kong: that day's session has closed.
NOW = "2026-08-28T10:00:00Z"
SESSIONS = [d.date() for d in calendar.sessions("2026-08-24", "2026-08-28")]


def base_close(code: str) -> float:
    return 10.0 + int(code) % 97  # distinct per stock, so a mixed-up answer shows


def five_sessions(code: str) -> pd.DataFrame:
    c = base_close(code)
    return bars([(d.isoformat(), c, c + 0.5, c - 0.5, c + i * 0.01, 1000 + i)
                 for i, d in enumerate(SESSIONS)])
