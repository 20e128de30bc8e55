"""Settling a fetch: which failures a run tolerates, and what is stored.

- **Indexes** (``indexes``): all or nothing, with one allowance: a source that fails does not
  block the run when another source of the same index served every session the failed one
  was asked for, so the resolved series stays complete. Bad data (an InputError) is never
  tolerated; a network outage is raised last, so ``run --source auto`` falls back only on it.
- **Stocks** (``stocks``): partial failure is normal. A suspended, delisted or unknown stock
  is one failed stock (``StockFailure``, with the reason its error carries), not a failed run.
  A stock counts as fetched when any source served it; ``gate`` refuses to publish when the
  share of stocks no source served is above ``HKPIPE_MAX_STOCK_FAILURES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from .. import calendar, sources
from ..errors import InputError, PipelineError, SourceError
from ..prices import STOCK_COLUMNS
from ..settings import utc_now
from .fetch import Batch
from .plan import FetchPlan

FAILURE_COLUMNS = ("source", "stock_code", "listing_date", "remote_symbol", "reason", "detail",
                   "asked_from", "asked_to", "failed_at")
MAX_NAMED = 20  # failures a refusal names before "and N more"


def indexes(batch: Batch) -> tuple[list[tuple[str, dict[str, pd.DataFrame]]], list[str]]:
    """[(source, {symbol: frame})] of what was served, and notes on it and on tolerated
    failures; raises a failure that is not tolerated (see the module's docstring)."""
    served: dict[str, dict[str, pd.DataFrame]] = {}
    for p, frame, _ in batch.fetched:
        served.setdefault(p.source, {})[p.symbol] = frame
    for _, exc in batch.failures:
        if not isinstance(exc, SourceError):
            raise exc  # bad data, or a bug: never tolerated
    failed = [(p, exc) for p, exc in batch.failures]
    fatal = [exc for p, exc in failed if not tolerated(p, served)]
    if fatal:
        raise next((e for e in fatal if e.kind != "unreachable"), fatal[0])
    notes = [f"{p.symbol}: {sources.label(p.source)} failed ({exc}); not needed, "
             f"{', '.join(s for s in served if p.symbol in served[s])} served every session of "
             f"{p.start}..{p.end}" for p, exc in failed]
    for name, frames in served.items():
        for symbol, f in frames.items():
            notes.append(f"{symbol}: {sources.label(name)} served {len(f)} bars "
                         f"{f['trade_date'].min().date()}..{f['trade_date'].max().date()}")
    return list(served.items()), notes


def tolerated(failed: FetchPlan, served: dict[str, dict[str, pd.DataFrame]]) -> bool:
    """True when other sources served every XHKG session ``failed`` was asked for."""
    wanted = {d for d in calendar.trading_days(failed.symbol)
              if failed.start <= d <= failed.end}
    got: set[date] = set()
    for name, frames in served.items():
        if name != failed.source and failed.symbol in frames:
            got |= set(frames[failed.symbol]["trade_date"].dt.date)
    return any(failed.symbol in f for s, f in served.items() if s != failed.source) \
        and wanted <= got


@dataclass(frozen=True)
class StockFailure:
    plan: FetchPlan
    reason: str
    detail: str
    failed_at: datetime

    def describe(self) -> str:
        return (f"{self.plan.stock_code} ({self.plan.remote}, listed {self.plan.listing_date}) "
                f"from {self.plan.source}: {self.reason}: {self.detail}")


def failure_of(p: FetchPlan, exc: Exception) -> StockFailure:
    """A fetch's exception as the stock's recorded failure: a source's reason, bad_data for
    bad data, and an unexpected one named by its type."""
    if isinstance(exc, SourceError):
        return StockFailure(p, exc.reason, str(exc), utc_now())
    if isinstance(exc, InputError):
        return StockFailure(p, "bad_data", str(exc), utc_now())
    return StockFailure(p, "error", f"{type(exc).__name__}: {exc}", utc_now())


@dataclass
class UniverseResult:
    """What a universe fetch got: source -> stock frames, and the failed fetches.

    A stock (listing) counts as fetched when any source served it: with ``live``, a stock
    HKEX could not serve but Yahoo did is fetched (its HKEX failure is still recorded), as
    for the indexes. The failure share is of stocks, not of fetches."""

    listings: set[tuple[str, date]] = field(default_factory=set)  # wanted
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    failures: list[StockFailure] = field(default_factory=list)
    rebased: list[FetchPlan] = field(default_factory=list)  # whole history refetched
    served: set[tuple[str, date]] = field(default_factory=set)
    gave_up: str | None = None  # why the fetch stopped early (``hopeless``)

    @property
    def wanted(self) -> int:
        return len(self.listings)

    @property
    def unserved(self) -> list[tuple[str, date]]:
        """The stocks no source served."""
        return sorted(self.listings - self.served)

    @property
    def fetched(self) -> int:
        return self.wanted - len(self.unserved)

    @property
    def failed_share(self) -> float:
        return len(self.unserved) / self.wanted if self.wanted else 0.0

    def coverage(self) -> str:
        unserved = set(self.unserved)
        partly = sum(1 for f in self.failures if f.plan.key not in unserved)
        also = (f"; {partly} failed fetch(es) of stocks another source served"
                if partly else "")
        return (f"stocks: {self.fetched} of {self.wanted} fetched, {len(self.unserved)} failed "
                f"({self.failed_share:.1%}){also}")

    def notes(self) -> list[str]:
        lines = [self.coverage()]
        for name, frames in self.frames.items():
            rows = sum(len(f) for f in frames)
            lines.append(f"stocks from {sources.label(name)}: {len(frames)} stocks, "
                         f"{rows} bars")
        if self.rebased:
            lines.append(f"adjusted history rewritten by the vendor (a dividend or split) for "
                         f"{len(self.rebased)} stock(s), refetched whole: "
                         + ", ".join(f"{p.stock_code} ({p.source})" for p in self.rebased))
        lines += [f"FAILED {f.describe()}" for f in self.failures]
        return lines

    def batch(self, name: str) -> pd.DataFrame:
        """Source ``name``'s rows, in ``STOCK_COLUMNS`` order, for storage."""
        return pd.concat(self.frames[name], ignore_index=True)[list(STOCK_COLUMNS)]

    def failure_rows(self) -> pd.DataFrame:
        return pd.DataFrame([(f.plan.source, f.plan.stock_code, f.plan.listing_date,
                              f.plan.remote, f.reason, f.detail, f.plan.start, f.plan.end,
                              f.failed_at) for f in self.failures],
                            columns=list(FAILURE_COLUMNS))


def stocks(batch: Batch, plans: list[FetchPlan]) -> UniverseResult:
    """A fetch of stock ``plans`` as one result: frames per source, failures, refetches."""
    result = UniverseResult(listings={p.key for p in plans}, gave_up=batch.gave_up)
    for p, frame, whole in batch.fetched:
        result.frames.setdefault(p.source, []).append(frame)
        result.served.add(p.key)
        if whole:
            result.rebased.append(p)
    result.failures = sorted((failure_of(p, exc) for p, exc in batch.failures),
                             key=lambda f: (f.plan.source, f.plan.stock_code))
    return result


def merge(results: list[UniverseResult]) -> UniverseResult:
    """One result of several batches."""
    merged = UniverseResult()
    for r in results:
        merged.listings |= r.listings
        merged.served |= r.served
        for name, frames in r.frames.items():
            merged.frames.setdefault(name, []).extend(frames)
        merged.failures += r.failures
        merged.rebased += r.rebased
        merged.gave_up = merged.gave_up or r.gave_up
    merged.failures.sort(key=lambda f: (f.plan.source, f.plan.stock_code))
    return merged


class TooManyStockFailures(PipelineError):
    """More stocks failed than ``HKPIPE_MAX_STOCK_FAILURES`` allows: nothing was published."""

    def __init__(self, result: UniverseResult, limit: float):
        self.result = result
        unserved = set(result.unserved)
        failed = [f for f in result.failures if f.plan.key in unserved]
        shown = failed[:MAX_NAMED]
        more = len(failed) - len(shown)
        gave_up = f" ({result.gave_up})" if result.gave_up else ""
        super().__init__(
            f"not published{gave_up}: {len(unserved)} of {result.wanted} stocks failed "
            f"({result.failed_share:.1%}), more than HKPIPE_MAX_STOCK_FAILURES={limit:g}: "
            + "; ".join(f"{f.plan.stock_code} {f.plan.source} {f.reason}" for f in shown)
            + (f"; and {more} more" if more else ""))


def hopeless(plans: list[FetchPlan], limit: float):
    """A ``give_up`` rule for fetching stock ``plans``: once more stocks have failed at every
    source planned for them than ``limit`` allows of all the stocks wanted, the share can no
    longer be met, whatever the plans left would bring."""
    sources_of: dict[tuple, set[str]] = {}
    for p in plans:
        sources_of.setdefault(p.key, set()).add(p.source)
    allowed = limit * len(sources_of)

    def give_up(batch: Batch) -> str | None:
        failed: dict[tuple, set[str]] = {}
        for p, _ in batch.failures:
            failed.setdefault(p.key, set()).add(p.source)
        lost = sum(1 for key, names in failed.items() if names >= sources_of[key])
        if lost > allowed:
            return (f"gave up after {lost} of {len(sources_of)} stocks failed: more than "
                    f"HKPIPE_MAX_STOCK_FAILURES={limit:g} allows, whatever the rest bring")
        return None
    return give_up


def gate(result: UniverseResult, limit: float) -> None:
    """Raise TooManyStockFailures when the share of unserved stocks is above ``limit``."""
    if result.failed_share > limit:
        raise TooManyStockFailures(result, limit)
