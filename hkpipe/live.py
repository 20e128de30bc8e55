"""Planning and fetching from the live sources (``hkpipe.sources.LIVE``) for the registry.

A plan asks one source for one symbol from a few sessions before its last stored day (so
revisions are taken) to the last completed XHKG session (HKEX answers with its whole history
anyway, and keeps it: ``sources.hkex.fetch_plan``). Fetching is all or nothing, with one
allowance: a source that fails does not block the run when another source of the same symbol
served every session the failed one was asked for, so the resolved series stays complete.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from . import calendar
from .errors import SourceError
from .settings import Settings
from .sources import LIVE

REVISION_SESSIONS = 5  # re-fetch this many stored sessions, so revisions are taken
FULL_HISTORY_START = date(1980, 1, 1)
NAMES = {"hkex": "HKEX", "yahoo": "Yahoo"}


@dataclass(frozen=True)
class FetchPlan:
    """One request: ``source``'s bars of ``remote`` from start to end, stored under
    ``symbol``."""

    source: str
    symbol: str
    remote: str
    start: date
    end: date


def module(source: str):
    return importlib.import_module(f"hkpipe.sources.{source}")


def expand(source: str) -> tuple[str, ...]:
    """A --source value -> the live sources it means (``live``: every one)."""
    return tuple(LIVE) if source == "live" else (source,)


def plan(settings: Settings, registry: pd.DataFrame, sources: tuple[str, ...], *,
         last: dict[str, date], full: bool = False) -> tuple[list[FetchPlan], list[str]]:
    """Per source and registered index it serves: what to ask for. ``last``: the last stored
    day per symbol."""
    end = calendar.last_completed_session(settings.clock())
    plans, notes = [], []
    for source in sources:
        column = LIVE[source]
        for row in registry.itertuples(index=False):
            remote = getattr(row, column)
            if not remote:
                notes.append(f"{row.symbol} ({row.name}): no {NAMES[source]} symbol, not "
                             f"refreshed from {source}. {row.data_source}")
                continue
            start = FULL_HISTORY_START
            if not full and row.symbol in last:
                recent = calendar.sessions(last[row.symbol] - timedelta(days=40),
                                           last[row.symbol])
                start = (recent[-REVISION_SESSIONS].date()
                         if len(recent) >= REVISION_SESSIONS else last[row.symbol])
            plans.append(FetchPlan(source, row.symbol, remote, start, end))
    return plans, notes


def open_sessions(settings: Settings, sources: tuple[str, ...]) -> dict:
    return {s: module(s).open_session(settings) for s in sources}


def fetch_planned(settings: Settings, fetch_plan: FetchPlan, *, session=None,
                  attempts: int | None = None) -> pd.DataFrame:
    """Fetch one plan with its source's retries; the frame carries the plan's symbol."""
    return module(fetch_plan.source).fetch_plan(settings, fetch_plan, session, attempts)


def fetch_all(settings: Settings, plans: list[FetchPlan]
              ) -> tuple[dict[str, dict[str, pd.DataFrame]], list[str]]:
    """source -> symbol -> frame for every plan, or the first failure that leaves a symbol's
    series incomplete (see ``tolerated``). Bad data (InputError) is never tolerated."""
    sessions = open_sessions(settings, tuple(dict.fromkeys(p.source for p in plans)))
    served: dict[str, dict[str, pd.DataFrame]] = {}
    failed: list[tuple[FetchPlan, SourceError]] = []
    for p in plans:
        try:
            served.setdefault(p.source, {})[p.symbol] = fetch_planned(
                settings, p, session=sessions[p.source])
        except SourceError as exc:
            failed.append((p, exc))
    return served, settle(served, failed)


def settle(served: dict[str, dict[str, pd.DataFrame]],
           failed: list[tuple[FetchPlan, SourceError]]) -> list[str]:
    """Notes on what was served and on tolerated failures. Raises a failure that is not
    tolerated, preferring one that is not ``unreachable``: a rate limit or a refused answer
    must not pass for a network outage (``run --source auto`` falls back only on those)."""
    fatal = [exc for p, exc in failed if not tolerated(p, served)]
    if fatal:
        raise next((e for e in fatal if e.kind != "unreachable"), fatal[0])
    notes = [f"{p.symbol}: {NAMES[p.source]} failed ({exc}); not needed, "
             f"{', '.join(s for s in served if p.symbol in served[s])} served every session of "
             f"{p.start}..{p.end}" for p, exc in failed]
    for source, frames in served.items():
        for symbol, f in frames.items():
            notes.append(f"{symbol}: {NAMES[source]} served {len(f)} bars "
                         f"{f['trade_date'].min().date()}..{f['trade_date'].max().date()}")
    return notes


def tolerated(failed: FetchPlan, served: dict[str, dict[str, pd.DataFrame]]) -> bool:
    """True when other sources served every XHKG session ``failed`` was asked for."""
    wanted = {d for d in calendar.trading_days(failed.symbol)
              if failed.start <= d <= failed.end}
    got: set[date] = set()
    for source, frames in served.items():
        if source != failed.source and failed.symbol in frames:
            got |= set(frames[failed.symbol]["trade_date"].dt.date)
    return any(failed.symbol in f for s, f in served.items() if s != failed.source) \
        and wanted <= got
