"""Fetching planned requests: one retry rule, one rate limiter, one thread pool, for every
source and instrument.

- **Retry** (``with_retries``, on tenacity): timeouts, rate limits and 5xx (a ``SourceError``
  with ``retryable``) are tried again up to the source's attempts, with exponential backoff
  or the Retry-After the source was given (capped); every other failure raises at once.
- **Rate** (``RateLimiter``): at most a source's configured requests per second over all
  threads, taken before every attempt. Kept here rather than taken from a library: it is one
  monotonic slot counter, and the flow swaps in Prefect's global limits through the same
  ``acquire()``.
- **Pool** (``fetch_all``): plans run in ``HKPIPE_FETCH_WORKERS`` threads; one plan's failure
  is that plan's (``Batch.failures``), never the others'. Each source's session (HKEX's
  client and token) is opened once per batch and shared by its threads.

A stock plan's answer becomes ``stock_prices`` rows of its listing (``stock_rows``); when the
vendor has rewritten the adjusted closes of the days the plan re-fetches (``rewritten``), the
listing's whole history is fetched again and replaces what is stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TypeVar

import pandas as pd

from .. import sources
from ..errors import SourceError
from ..settings import Settings
from .plan import FetchPlan

T = TypeVar("T")

# Two answers adjust a day alike when their closes and their factors (adj_close / close) agree
# this closely; a split, or a dividend of even 0.1%, moves one of them ten times more.
FACTOR_TOLERANCE = 1e-4
BACKOFF, MAX_WAIT = 2.0, 120.0  # seconds: the first wait (doubling), and the longest


def with_retries(attempt: Callable[[], T], *, attempts: int, backoff: float | None = None,
                 max_wait: float = MAX_WAIT, sleep: Callable[[float], object] | None = None
                 ) -> T:
    """``attempt()`` up to ``attempts`` times while it raises a retryable SourceError; waits
    ``backoff`` s (default BACKOFF), doubling, or the ``retry_after`` the failure carries,
    never more than ``max_wait``. The last failure is raised, saying how many attempts were
    made."""
    from tenacity import Retrying, retry_if_exception, stop_after_attempt

    backoff = BACKOFF if backoff is None else backoff

    def wait(state) -> float:
        exc = state.outcome.exception()
        return min(exc.retry_after or backoff * 2 ** (state.attempt_number - 1), max_wait)

    retrying = Retrying(stop=stop_after_attempt(max(1, attempts)), wait=wait, reraise=True,
                        retry=retry_if_exception(lambda e: isinstance(e, SourceError)
                                                 and e.retryable),
                        sleep=sleep or time.sleep)
    try:
        return retrying(attempt)
    except SourceError as exc:
        made = retrying.statistics.get("attempt_number", 1)
        if made > 1:
            exc.args = (f"{exc.args[0]} (after {made} attempts)",)
        raise


class RateLimiter:
    """At most ``rate`` requests a second across threads (``rate`` <= 0: no limit).

    Each ``acquire`` takes the next free slot, ``1 / rate`` s after the previous one, and
    sleeps until it comes, outside the lock, so waiting threads queue in order."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


def stock_rows(frame: pd.DataFrame, p: FetchPlan) -> pd.DataFrame:
    """A validated source price frame -> ``stock_prices`` rows of the plan's listing.

    Bars before the listing date are dropped: a reused code's earlier bars belong to another
    issuer. Only the plan's sessions are kept (HKEX answers with ten years whatever is
    asked). The closes are what the source declares them to be (``Source.price_basis``).
    A candidate listing with nothing stored yet has no listing date: its rows are stored
    under its first session with bars, which is where later refreshes find them."""
    days = frame["trade_date"]
    keep = (days >= pd.Timestamp(max(p.start, p.listing_date))) & (days <= pd.Timestamp(p.end))
    frame = frame[keep]
    if frame.empty:
        raise SourceError(f"{sources.label(p.source)} {p.remote} {p.start}..{p.end}: no bars of "
                          "this listing in the range asked for", kind="empty",
                          reason="suspended")
    listing = p.listing_date
    if p.candidate and not p.factors:
        listing = frame["trade_date"].min().date()
    return pd.DataFrame({
        "stock_code": p.stock_code, "listing_date": listing,
        "trade_date": frame["trade_date"].dt.date, "open": frame["open"],
        "high": frame["high"], "low": frame["low"], "close": frame["close"],
        "adj_close": frame["adj_close"], "volume": frame["volume"],
        "price_basis": sources.get(p.source).price_basis}).reset_index(drop=True)


def on_sessions(frame: pd.DataFrame, p: FetchPlan, settings: Settings) -> None:
    """Refuse bars dated on a day the exchange did not trade: not an XHKG session, or a
    documented all-day closure (``expectations/xhkg_exceptions.csv``, e.g. the typhoon and
    rainstorm days of 2023-09-01 and 2023-09-08, which the calendar library lists as
    sessions). InputError names the source, the symbol and every such day."""
    from .. import calendar
    from ..errors import InputError

    days = pd.to_datetime(frame["trade_date"]).dt.date
    off = sorted(set(days) - calendar.trading_days(p.symbol, settings.clock()))
    if off:
        shown = ", ".join(str(d) for d in off[:10]) + (f" and {len(off) - 10} more"
                                                        if len(off) > 10 else "")
        raise InputError(f"{p.source}:{p.remote} (symbol {p.symbol})",
                         f"{sources.label(p.source)} served bars on {len(off)} day(s) the "
                         f"exchange did not trade: {shown}", field="date")


def rewritten(frame: pd.DataFrame, stored: tuple[tuple, ...]) -> bool:
    """True when ``frame`` (a source's answer) has rewritten the days it shares with the
    stored rows: every shared close rescaled by one common ratio (a split or bonus issue
    rescales a split-adjusted history; a revision of one day's close does not), or any
    shared day adjusted by a new factor (adj_close / close: a dividend rescales the adjusted
    history). The stored rows are then on another basis."""
    days = pd.to_datetime(frame["trade_date"]).dt.date
    closes = dict(zip(days, frame["close"], strict=True))
    factors = dict(zip(days, frame["adj_close"] / frame["close"], strict=True))
    shared = [(closes[day], close, factors[day], adj) for day, close, adj in stored
              if day in closes and pd.notna(closes[day])]
    if not shared:
        return False
    ratios = [new / old for new, old, _, _ in shared]
    rescaled = (len(ratios) > 1 and all(abs(r - 1) > FACTOR_TOLERANCE for r in ratios)
                and max(ratios) / min(ratios) - 1 <= FACTOR_TOLERANCE)
    refactored = any(adj is not None and pd.notna(factor)
                     and abs(factor / (adj / old) - 1) > FACTOR_TOLERANCE
                     for _, old, factor, adj in shared)
    return rescaled or refactored


def fetch_one(settings: Settings, p: FetchPlan, session=None, *, limiter=None,
              attempts: int | None = None) -> tuple[pd.DataFrame, bool]:
    """One plan's bars, retried by the one rule under ``limiter``: an index's price frame, or
    a stock's ``stock_prices`` rows; and whether a stock's whole history was refetched
    because the vendor rewrote its adjusted closes. Raises the classified failure."""
    source = sources.get(p.source)
    config = settings.source(p.source)
    ranges = p.kind == "indexes" and source.strict_ranges
    session = session if session is not None else open_session(settings, p.source)

    def once(plan: FetchPlan) -> pd.DataFrame:
        def attempt():
            if limiter is not None:
                limiter.acquire()
            return source.fetch(plan, session, config, today=settings.today(), ranges=ranges)
        frame = with_retries(attempt, attempts=attempts or config.attempts)
        frame = frame if plan.kind == "indexes" else stock_rows(frame, plan)
        on_sessions(frame, plan, settings)
        return frame

    frame = once(p)
    if p.kind == "stocks" and rewritten(frame, p.factors):
        return once(replace(p, start=p.listing_date, factors=())), True
    return frame, False


def session_token(settings: Settings, name: str):
    """What one run of source ``name`` shares (HKEX's token; None for most sources)."""
    source = sources.get(name)
    return source.session_token(settings.source(name)) if source.session_token else None


def open_session(settings: Settings, name: str, token=None):
    source = sources.get(name)
    return source.open_session(settings.source(name), token) if source.open_session else None


@dataclass
class Batch:
    """What fetching some plans got: per plan a frame (and whether it was refetched whole),
    or its failure."""

    fetched: list[tuple[FetchPlan, pd.DataFrame, bool]] = field(default_factory=list)
    failures: list[tuple[FetchPlan, Exception]] = field(default_factory=list)
    gave_up: str | None = None  # why the plans left were not fetched (``give_up``)

    def extend(self, other: Batch) -> Batch:
        self.fetched += other.fetched
        self.failures += other.failures
        self.gave_up = self.gave_up or other.gave_up
        return self


def fetch_all(settings: Settings, plans: list[FetchPlan], *, workers: int | None = None,
              limiters: dict | None = None, tokens: dict | None = None,
              give_up: Callable[[Batch], str | None] | None = None,
              progress: Callable[[int, int], object] | None = None) -> Batch:
    """Every plan in a pool of ``workers`` threads (``settings.fetch_workers``), each source
    under its rate limit; a failed plan is recorded, never raised.

    ``limiters``: source -> an object with ``acquire()`` called before each attempt (default: a
    ``RateLimiter`` at the source's configured rate; the Prefect flow passes Prefect's global
    rate limits). ``tokens``: source -> what a run shares (HKEX's token), when already
    fetched; a source whose session cannot be opened fails each of its plans with that.
    ``give_up``: asked after each finished plan; when it gives a reason, the plans not yet
    started are not fetched and fail with it (a dead source costs seconds, not the whole
    universe at the rate limit). ``progress(done, total)`` is called after each plan.
    """
    batch = Batch()
    limiters = dict(limiters or {})
    opened = {}
    for name in dict.fromkeys(p.source for p in plans):
        limiters.setdefault(name, RateLimiter(settings.source(name).rate))
        try:
            token = (tokens or {}).get(name) or session_token(settings, name)
            opened[name] = open_session(settings, name, token)
        except SourceError as exc:
            batch.failures += [(p, exc) for p in plans if p.source == name]

    stop: list[str] = []  # the reason the run gave up, once it has

    def one(p: FetchPlan):
        if stop:
            return p, None, False, SourceError(f"not fetched: {stop[0]}", kind="skipped")
        try:
            frame, whole = fetch_one(settings, p, opened[p.source], limiter=limiters[p.source])
            return p, frame, whole, None
        except Exception as exc:  # noqa: BLE001 - one plan's failure, whatever it is, is that
            return p, None, False, exc  # plan's (recorded with its reason), never the others'

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers or settings.fetch_workers),
                                thread_name_prefix="hkpipe-fetch") as pool:
            futures = [pool.submit(one, p) for p in plans if p.source in opened]
            for future in as_completed(futures):
                p, frame, whole, exc = future.result()
                if exc is None:
                    batch.fetched.append((p, frame, whole))
                else:
                    batch.failures.append((p, exc))
                if progress is not None:
                    progress(len(batch.fetched) + len(batch.failures), len(plans))
                if give_up is not None and not stop:
                    reason = give_up(batch)
                    if reason:
                        stop.append(reason)
                        batch.gave_up = reason
    finally:
        for session in opened.values():
            getattr(session, "close", lambda: None)()  # HKEX's shared connections
    # in plan order, whatever order the threads finished in: settling is then deterministic
    order = {id(p): i for i, p in enumerate(plans)}
    batch.fetched.sort(key=lambda item: order[id(item[0])])
    batch.failures.sort(key=lambda item: order[id(item[0])])
    return batch

