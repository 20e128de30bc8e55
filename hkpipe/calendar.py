"""The Hong Kong exchange calendar (XHKG) and the documented exceptions to it.

exchange_calendars is right for almost every day since 1986, but not all: it lists two 2023
all-day closures as sessions and applies Buddha's Birthday before 1999. Those days, known data
gaps and inspected large moves are listed with their sources in
``expectations/xhkg_exceptions.csv``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from .csvio import fail_first, parse_dates, read_table
from .settings import EXPECTATIONS_DIR, HK_TZ, PROJECT_ROOT, clock

EXCEPTIONS_FILE = EXPECTATIONS_DIR / "xhkg_exceptions.csv"
PROJECT_SEEDS = PROJECT_ROOT / "seeds"
KINDS = ("closure", "calendar_gap", "data_gap", "extra_session", "large_move",
         "source_disagreement")
CALENDAR_START = "1986-01-01"


@cache
def _calendar():
    import exchange_calendars as xcals  # 0.3 s to import: only where a session is needed

    return xcals.get_calendar("XHKG", start=CALENDAR_START)


def sessions(start: date | str, end: date | str) -> pd.DatetimeIndex:
    """XHKG sessions from start to end inclusive, as calendar-library dates (no exceptions)."""
    cal = _calendar()
    start, end = pd.Timestamp(start), min(pd.Timestamp(end), cal.last_session)
    if start > end:
        return pd.DatetimeIndex([])
    return cal.sessions_in_range(start, end)


def last_completed_session(now: pd.Timestamp | None = None) -> date:
    """The last XHKG session whose close has passed at ``now`` (default ``settings.clock()``),
    in Hong Kong time, minus known closures."""
    cal = _calendar()
    now = (now if now is not None else clock()).tz_convert("UTC")
    ex = exceptions()
    closed = set(ex.loc[(ex["kind"] == "closure") & (ex["symbol"] == "*"), "date"])
    session = cal.minute_to_past_session(now.floor("min"))
    while session.date() in closed:
        session = cal.previous_session(session)
    return session.date()


@cache
def exceptions(path: Path = EXCEPTIONS_FILE) -> pd.DataFrame:
    """The documented exceptions: date, symbol ('*' for all), kind, reason, source."""
    frame = read_table(path, ["date", "symbol", "kind", "reason", "source"])
    frame["date"] = parse_dates(path, frame, "date", required=True).dt.date
    fail_first(path, frame, ~frame["kind"].isin(KINDS), "kind",
               lambda r: f"{r['kind']!r} is not one of {', '.join(KINDS)}")
    return frame.drop(columns="_line")


SESSIONS_SEED = PROJECT_SEEDS / "xhkg_sessions.csv"
SEED_MARGIN_DAYS = 60  # the bundled sessions must reach this far past today to be used


def library_sessions() -> pd.DataFrame:
    """XHKG sessions and their closes (UTC) from exchange_calendars: session, close_utc."""
    schedule = _calendar().schedule
    return pd.DataFrame({
        "session": schedule.index.date,
        "close_utc": schedule["close"].dt.tz_convert("UTC").dt.tz_localize(None).values,
    })


def _bundled_sessions(now: pd.Timestamp) -> pd.DataFrame | None:
    """The sessions shipped in seeds/xhkg_sessions.csv, if they reach far enough past ``now``.

    Importing exchange_calendars and computing 40 years of sessions costs ~0.35 s per build;
    the bundled copy (written by scripts/refresh_calendar_seed.py, checked against the library
    by the tests) is read instead while it covers today plus a margin.
    """
    if not SESSIONS_SEED.exists():
        return None
    frame = pd.read_csv(SESSIONS_SEED, parse_dates=["session", "close_utc"])
    horizon = now.tz_convert(HK_TZ).tz_localize(None) + pd.Timedelta(days=SEED_MARGIN_DAYS)
    if frame.empty or frame["session"].max() < horizon:
        return None
    frame["session"] = frame["session"].dt.date
    return frame


def sync(con, now: pd.Timestamp | None = None) -> bool:
    """Write the XHKG sessions and the exceptions into the warehouse if they are out of date
    (``now``, default ``settings.clock()``, decides whether the bundled sessions reach far
    enough ahead).

    Returns True when the tables were (re)written. Checks then read the calendar with SQL, so a
    check on unchanged data needs neither exchange_calendars nor pandas' calendar work.
    """
    from importlib.metadata import version

    from . import sqlfiles

    exceptions_digest = hashlib.sha256(EXCEPTIONS_FILE.read_bytes()).hexdigest()[:16]
    now = now if now is not None else clock()
    sessions = _bundled_sessions(now)
    if sessions is not None:
        origin = "bundled " + hashlib.sha256(SESSIONS_SEED.read_bytes()).hexdigest()[:16]
    else:  # the library's calendar reaches about a year ahead of the day it is computed
        origin = (f"exchange_calendars {version('exchange_calendars')} computed "
                  f"{now.tz_convert(HK_TZ):%Y-%m}")
    key = f"sessions {origin}; exceptions {exceptions_digest}"
    stored = con.execute(sqlfiles.query("load/meta_get"), {"key": "calendar"}).fetchall()
    if stored and stored[0][0] == key:
        return False
    if sessions is None:
        sessions = library_sessions()
    con.register("session_batch", sessions)
    con.register("exception_batch", exceptions())
    try:
        con.execute(sqlfiles.query("load/calendar_replace"))
    finally:
        con.unregister("session_batch")
        con.unregister("exception_batch")
    con.execute(sqlfiles.query("load/meta_set"), {"key": "calendar", "value": key})
    return True


@lru_cache(maxsize=8)
def _session_days(day: pd.Timestamp) -> frozenset[date]:
    """The sessions as of ``day`` (cached: a universe refresh asks once per stock)."""
    bundled = _bundled_sessions(day)
    return frozenset((bundled if bundled is not None else library_sessions())["session"])


def trading_days(symbol: str, now: pd.Timestamp | None = None) -> set[date]:
    """Days a price of ``symbol`` may carry: XHKG sessions (the bundled copy while it reaches
    far enough, else the library), plus its documented extra sessions, less documented all-day
    closures. The same sources and exceptions the warehouse's session checks use."""
    now = now if now is not None else clock()
    days = set(_session_days(now.floor("D")))
    ex = exceptions()
    mine = ex[ex["symbol"].isin([symbol, "*"])]
    days |= set(mine.loc[mine["kind"] == "extra_session", "date"])
    days -= set(mine.loc[mine["kind"] == "closure", "date"])
    return days
