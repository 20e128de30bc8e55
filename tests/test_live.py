"""Opt-in: the real Yahoo Finance (pytest -m live). Skipped when Yahoo cannot be reached."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline import calendar
from pipeline.errors import SourceError
from pipeline.sources import yahoo

pytestmark = pytest.mark.live


def test_real_yahoo_serves_recent_hang_seng_bars_under_hong_kong_dates():
    end = calendar.last_completed_session()
    start = end - timedelta(days=20)
    try:
        frame = yahoo.fetch("^HSI", start, end, timeout=30, attempts=2)
    except SourceError as exc:
        if exc.kind == "unreachable":
            pytest.skip(f"no route to Yahoo: {exc}")
        raise
    days = {d.date() for d in frame["trade_date"]}
    assert days <= {s.date() for s in calendar.sessions(start, end)}
    assert (frame["close"] > 1000).all()
