"""What to ask each live source for: one ``FetchPlan`` per source and instrument.

The revision window is one rule (``window_start``): a refresh asks from a few sessions before
the last stored day, so a vendor's revisions are taken, to the last completed XHKG session.
Nothing stored (or ``full``) asks from the beginning: an index's whole history, a stock's
listing date. (A source may keep more than it was asked for: HKEX keeps every index bar.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from .. import calendar, seeds, sources
from ..settings import Settings

REVISION_SESSIONS = 5  # re-fetch this many stored sessions, so revisions are taken
FULL_HISTORY_START = date(1980, 1, 1)


@dataclass(frozen=True)
class FetchPlan:
    """One request: ``source``'s daily bars of ``remote`` from start to end, stored under
    ``symbol`` (an index), or under the listing (``symbol`` = stock code, ``listing_date``).
    ``factors``: a stock's stored (day, close, adj_close) of the days the request re-fetches,
    so the fetch can tell a vendor's rewritten adjusted history."""

    source: str
    symbol: str
    remote: str
    start: date
    end: date
    listing_date: date | None = None
    factors: tuple[tuple[date, float, float | None], ...] = ()
    # a candidate listing (hkpipe refresh --listings), not yet curated: listing_date is the
    # first day its bars may start until a bar is stored, then its first stored session
    candidate: bool = False

    @property
    def kind(self) -> str:
        return "indexes" if self.listing_date is None else "stocks"

    @property
    def stock_code(self) -> str:
        return self.symbol

    @property
    def key(self) -> tuple:
        """The instrument: an index symbol, or (stock_code, listing_date)."""
        return self.symbol if self.listing_date is None else (self.symbol, self.listing_date)


def window_start(last: date, floor: date | None = None) -> date:
    """Where a refresh of a series stored up to ``last`` starts: REVISION_SESSIONS sessions
    back (or ``last`` itself when fewer are known), never before ``floor``."""
    recent = calendar.sessions(last - timedelta(days=40), last)
    start = recent[-REVISION_SESSIONS].date() if len(recent) >= REVISION_SESSIONS else last
    return max(start, floor) if floor else start


def indexes(settings: Settings, registry: pd.DataFrame, names: tuple[str, ...], *,
            last: dict[str, date], full: bool = False) -> tuple[list[FetchPlan], list[str]]:
    """Per source and registered index it serves: what to ask for, and notes on the indexes
    a source has no symbol for. ``last``: the last stored day per symbol."""
    end = calendar.last_completed_session(settings.clock())
    plans, notes = [], []
    for name in names:
        source = sources.get(name)
        for row in registry.itertuples(index=False):
            remote = source.remote("indexes", row)
            if not remote:
                notes.append(f"{row.symbol} ({row.name}): no {source.label} symbol, not "
                             f"refreshed from {name}. {row.data_source}")
                continue
            start = FULL_HISTORY_START
            if not full and row.symbol in last:
                start = window_start(last[row.symbol])
            plans.append(FetchPlan(name, row.symbol, remote, start, end))
    return plans, notes


def listed(settings: Settings) -> pd.DataFrame:
    """The curated listings without a delisting date, listed by today."""
    frame = seeds.read_seed(settings.seeds_dir, seeds.NEW_ECONOMY_LISTINGS,
                            today=settings.today())
    frame = frame[frame["delisting_date"].isna()]
    return frame[pd.to_datetime(frame["listing_date"]).dt.date <= settings.today()]


def stocks(settings: Settings, listings: pd.DataFrame, names: tuple[str, ...], *,
           last: dict[str, dict[tuple[str, date], date]], full: bool = False,
           factors: dict | None = None) -> list[FetchPlan]:
    """Per source and listed stock (curated, or a candidate with ``candidate`` set): what to ask
    for. A listing with nothing stored from that source (or ``full``) is asked from its
    listing date. ``factors`` (``warehouse.reads.
    stored_recent``) travel with the plan, so the fetch can tell a rewritten history."""
    end = calendar.last_completed_session(settings.clock())
    plans = []
    for name in names:
        source = sources.get(name)
        stored = last.get(name, {})
        for row in listings.itertuples(index=False):
            listing = pd.Timestamp(row.listing_date).date()
            if listing > end:
                continue  # listed today: no completed session yet
            previous = stored.get((row.stock_code, listing))
            start = window_start(previous, listing) if previous and not full else listing
            known = () if full or not previous else (factors or {}).get(name, {}).get(
                (row.stock_code, listing), ())
            plans.append(FetchPlan(name, row.stock_code, source.remote("stocks", row), start,
                                   end, listing, known, bool(getattr(row, "candidate", False))))
    return plans


def batches(plans: list[FetchPlan], size: int) -> list[list[FetchPlan]]:
    return [plans[i:i + size] for i in range(0, len(plans), max(1, size))]
