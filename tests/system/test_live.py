"""Opt-in: the real Yahoo Finance and HKEX services (pytest -m live). Skipped when offline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hkpipe import calendar
from hkpipe.errors import SourceError
from hkpipe.ingest.fetch import with_retries
from hkpipe.sources import yahoo

pytestmark = pytest.mark.live


@pytest.fixture(autouse=True)
def _real_network(monkeypatch):
    """Lift the closed HTTPS proxy every other test runs behind (tests/conftest.py)."""
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def yahoo_fetch(*args, attempts: int = 3, backoff: float = 2.0, sleep=None, **kwargs):
    """One yahoo fetch under the ingest path's one retry rule (what a refresh does)."""
    return with_retries(lambda: yahoo.fetch(*args, **kwargs), attempts=attempts,
                        backoff=backoff, sleep=sleep)


def test_real_yahoo_serves_recent_hang_seng_bars_under_hong_kong_dates():
    end = calendar.last_completed_session()
    start = end - timedelta(days=20)
    try:
        frame = yahoo_fetch("^HSI", start, end, timeout=30, attempts=2)
    except SourceError as exc:
        if exc.kind == "unreachable":
            pytest.skip(f"no route to Yahoo: {exc}")
        raise
    days = {d.date() for d in frame["trade_date"]}
    assert days <= {s.date() for s in calendar.sessions(start, end)}
    assert (frame["close"] > 1000).all()


def test_real_hkex_serves_recent_index_bars_under_hong_kong_dates():
    from hkpipe.sources import hkex

    end = calendar.last_completed_session()
    start = end - timedelta(days=20)
    client = hkex.Client(timeout=60)  # the real service (tests otherwise point at a closed port)
    try:
        frame = with_retries(lambda: hkex.fetch(client, ".HSI", "^HSI", start, end),
                             attempts=2)
    except SourceError as exc:
        if exc.kind in ("unreachable", "timeout"):
            pytest.skip(f"no route to HKEX: {exc}")
        raise
    days = {d.date() for d in frame["trade_date"]}
    assert days <= {s.date() for s in calendar.sessions(start, end)}
    assert (frame["close"] > 1000).all()
