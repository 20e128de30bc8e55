"""The live refresh of the curated universe: every currently listed new-economy stock.

``hkpipe refresh --universe listings`` asks each live source for every listing of
``seeds/new_economy_listings.csv`` without a delisting date: Yahoo as ``NNNN.HK`` and HKEX as
the zero-padded RIC, the same four-digit form (``remote_symbol``). Per listing and source the
request starts a few sessions before the last day stored from that source in
``stock_prices`` (so revisions are taken), or at the listing date when nothing is stored.

Unlike the indexes, partial failure is normal here: a suspended, delisted or unknown stock is
one failed stock (``StockFailure``, with its reason), not a failed run. ``jobs.refresh_universe``
publishes what was fetched and the failures (table ``load_failures``) while the failed share
stays within ``HKPIPE_MAX_STOCK_FAILURES``, and nothing above it.

Fetches run in a bounded thread pool (``HKPIPE_FETCH_WORKERS``) under a per-source rate limit
(``HKPIPE_YAHOO_RATE``, ``HKPIPE_HKEX_RATE``; see ``RateLimiter``). Yahoo fetches do not share
yfinance's process-wide session (``sources.yahoo._thread_data``); HKEX fetches share one
client and its token, fetched once per run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import pandas as pd

from . import calendar, seeds, sqlfiles, warehouse
from .errors import InputError, PipelineError, SourceError
from .live import NAMES, REVISION_SESSIONS, FetchPlan, module
from .load import utc_now
from .settings import Settings

STOCK_COLUMNS = ("stock_code", "listing_date", "trade_date", "open", "high", "low", "close",
                 "adj_close", "volume", "price_basis")
# What a live source's close is: HKEX's is the price that traded; Yahoo's chart close is
# split-adjusted as of the request (its adj_close is adjusted for dividends as well).
PRICE_BASIS = {"hkex": "unadjusted", "yahoo": "adjusted"}
# Two answers adjust a day alike when their closes and their factors (adj_close / close) agree
# this closely; a split, or a dividend of even 0.1%, moves one of them ten times more.
FACTOR_TOLERANCE = 1e-4
FAILURE_COLUMNS = ("source", "stock_code", "listing_date", "remote_symbol", "reason", "detail",
                   "asked_from", "asked_to", "failed_at")


@dataclass(frozen=True)
class StockPlan:
    """One request: ``source``'s bars of ``remote`` from start to end, stored under the
    listing (stock_code, listing_date)."""

    source: str
    stock_code: str
    listing_date: date
    remote: str
    start: date
    end: date
    # the stored (day, close, adj_close) of the days the request re-fetches
    factors: tuple[tuple[date, float, float | None], ...] = ()

    def fetch_plan(self) -> FetchPlan:
        return FetchPlan(self.source, self.stock_code, self.remote, self.start, self.end)


@dataclass(frozen=True)
class StockFailure:
    plan: StockPlan
    reason: str
    detail: str
    failed_at: datetime

    def describe(self) -> str:
        return (f"{self.plan.stock_code} ({self.plan.remote}, listed {self.plan.listing_date}) "
                f"from {self.plan.source}: {self.reason}: {self.detail}")


@dataclass
class UniverseResult:
    """What a universe fetch got: source -> stock frames, and the failed fetches.

    A stock (listing) counts as fetched when any source served it: with ``live``, a stock
    HKEX could not serve but Yahoo did is fetched (its HKEX failure is still recorded), as
    for the indexes (``live.settle``). The failure share is of stocks, not of fetches."""

    listings: set[tuple[str, date]] = field(default_factory=set)  # wanted
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    failures: list[StockFailure] = field(default_factory=list)
    rebased: list[StockPlan] = field(default_factory=list)  # whole history refetched
    served: set[tuple[str, date]] = field(default_factory=set)

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
        partly = len(self.failures) - sum(1 for f in self.failures
                                          if (f.plan.stock_code, f.plan.listing_date)
                                          in set(self.unserved))
        also = (f"; {partly} failed fetch(es) of stocks another source served"
                if partly else "")
        return (f"stocks: {self.fetched} of {self.wanted} fetched, {len(self.unserved)} failed "
                f"({self.failed_share:.1%}){also}")

    def notes(self) -> list[str]:
        lines = [self.coverage()]
        for source, frames in self.frames.items():
            rows = sum(len(f) for f in frames)
            lines.append(f"stocks from {NAMES.get(source, source)}: {len(frames)} stocks, "
                         f"{rows} bars")
        if self.rebased:
            lines.append(f"adjusted history rewritten by the vendor (a dividend or split) for "
                         f"{len(self.rebased)} stock(s), refetched whole: "
                         + ", ".join(f"{p.stock_code} ({p.source})" for p in self.rebased))
        lines += [f"FAILED {f.describe()}" for f in self.failures]
        return lines


def remote_symbol(stock_code: str) -> str:
    """A 5-digit stock code as both Yahoo and HKEX's widget ask for it: 00700 -> 0700.HK."""
    return f"{int(stock_code):04d}.HK"


def listed(settings: Settings) -> pd.DataFrame:
    """The curated listings without a delisting date, listed by today."""
    frame = seeds.read_seed(settings.seeds_dir, seeds.NEW_ECONOMY_LISTINGS,
                            today=settings.today())
    frame = frame[frame["delisting_date"].isna()]
    return frame[pd.to_datetime(frame["listing_date"]).dt.date <= settings.today()]


def stored_recent(settings: Settings, sources: tuple[str, ...]
                  ) -> dict[str, dict[tuple[str, date], tuple[tuple, ...]]]:
    """source -> (stock_code, listing_date) -> (day, close, adj_close) of its last
    REVISION_SESSIONS stored days, oldest first: where a refresh starts (``last_days``) and
    what tells a rewritten history from the next answer (``rewritten``)."""
    from . import migrations

    out: dict = {s: {} for s in sources}
    if not settings.warehouse.exists():
        return out
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        state = migrations.read_state(con)
        migrations.verify(state, settings.warehouse)  # before fetching anything
        tables = {r[0] for r in con.execute(sqlfiles.query("meta/base_tables")).fetchall()}
        if "stock_prices" not in tables:
            return out  # the build's migration adds it
        for source in sources:
            rows = con.execute(sqlfiles.query("load/stock_recent_stored"),
                               {"source": source, "n": REVISION_SESSIONS}).fetchall()
            for code, listing, day, close, adj_close in rows:
                out[source].setdefault((code, listing), []).append((day, close, adj_close))
    finally:
        con.close()
    return {s: {k: tuple(v) for k, v in d.items()} for s, d in out.items()}


def last_days(recent: dict) -> dict[str, dict[tuple[str, date], date]]:
    """source -> (stock_code, listing_date) -> the last day stored from that source."""
    return {s: {k: rows[-1][0] for k, rows in d.items()} for s, d in recent.items()}


def stored_last(settings: Settings, sources: tuple[str, ...]
                ) -> dict[str, dict[tuple[str, date], date]]:
    """source -> (stock_code, listing_date) -> the last day stored from that source."""
    return last_days(stored_recent(settings, sources))


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


def plan(settings: Settings, listings: pd.DataFrame, sources: tuple[str, ...], *,
         last: dict[str, dict[tuple[str, date], date]], full: bool = False,
         factors: dict | None = None) -> list[StockPlan]:
    """Per source and listed stock: what to ask for. A listing with nothing stored from that
    source (or ``full``) is asked from its listing date. ``factors`` (``stored_recent``)
    travel with the plan, so the fetch can tell a rewritten adjusted history."""
    end = calendar.last_completed_session(settings.clock())
    plans = []
    for source in sources:
        stored = last.get(source, {})
        for row in listings.itertuples(index=False):
            listing = pd.Timestamp(row.listing_date).date()
            if listing > end:
                continue  # listed today: no completed session yet
            start = listing
            previous = stored.get((row.stock_code, listing))
            if previous and not full:
                recent = calendar.sessions(previous - timedelta(days=40), previous)
                start = (recent[-REVISION_SESSIONS].date() if len(recent) >= REVISION_SESSIONS
                         else previous)
                start = max(start, listing)
            known = () if full or not previous else (factors or {}).get(source, {}).get(
                (row.stock_code, listing), ())
            plans.append(StockPlan(source, row.stock_code, listing,
                                   remote_symbol(row.stock_code), start, end, known))
    return plans


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


def reason_of(exc: Exception) -> str:
    """A failure's reason as recorded in ``load_failures.reason``."""
    if isinstance(exc, InputError):
        return "bad_data"
    if not isinstance(exc, SourceError):
        return "error"
    text = str(exc)
    if exc.kind == "unknown_symbol":
        return "not_found" if "HTTP 404" in text else "unknown"
    if exc.kind == "empty":
        # bars were served, but none in the sessions asked for: the stock stopped trading
        return "suspended" if "range asked for" in text else "empty"
    if exc.retryable:
        return "after_retries"
    return exc.kind if exc.kind in ("rejected", "unreachable", "malformed", "http_error") \
        else "error"


def failure_of(p: StockPlan, exc: Exception) -> StockFailure:
    """A fetch's exception as the stock's recorded failure (an unexpected one named by type)."""
    known = isinstance(exc, (SourceError, InputError))
    return StockFailure(p, reason_of(exc), str(exc) if known else f"{type(exc).__name__}: {exc}",
                        utc_now())


def stock_frame(frame: pd.DataFrame, p: StockPlan) -> pd.DataFrame:
    """A validated source price frame -> ``stock_prices`` rows of the plan's listing.

    Bars before the listing date are dropped: a reused code's earlier bars belong to another
    issuer. HKEX answers with ten years whatever is asked; only the plan's sessions are kept.
    HKEX's closes are as traded (``unadjusted``); Yahoo's are split-adjusted even without its
    adjusted close (``adjusted``: a later split rescales them), which is kept beside them.
    """
    days = frame["trade_date"]
    keep = (days >= pd.Timestamp(max(p.start, p.listing_date))) & (days <= pd.Timestamp(p.end))
    frame = frame[keep]
    if frame.empty:
        raise SourceError(f"{NAMES.get(p.source, p.source)} {p.remote} {p.start}..{p.end}: no "
                          "bars of this listing in the range asked for", kind="empty")
    return pd.DataFrame({
        "stock_code": p.stock_code, "listing_date": p.listing_date,
        "trade_date": frame["trade_date"].dt.date, "open": frame["open"],
        "high": frame["high"], "low": frame["low"], "close": frame["close"],
        "adj_close": frame["adj_close"], "volume": frame["volume"],
        "price_basis": PRICE_BASIS[p.source]}).reset_index(drop=True)


def fetch_stock(settings: Settings, p: StockPlan, session, limiter: RateLimiter,
                attempts: int | None = None) -> tuple[pd.DataFrame, bool]:
    """One listing's bars from its source, as ``stock_prices`` rows, and whether its whole
    history was refetched because the vendor rewrote its adjusted closes; raises the
    failure."""
    frame = _fetch_once(settings, p, session, limiter, attempts)
    if rewritten(frame, p.factors):
        whole = replace(p, start=p.listing_date, factors=())
        return _fetch_once(settings, whole, session, limiter, attempts), True
    return frame, False


def _fetch_once(settings: Settings, p: StockPlan, session, limiter: RateLimiter,
                attempts: int | None = None) -> pd.DataFrame:
    limiter.acquire()
    src = module(p.source)
    if p.source == "hkex":
        # keep only what was asked for: the service serves ten years to every request
        client = session or src.open_session(settings)
        raw = src.fetch(client, p.remote, p.stock_code, p.start, p.end,
                        attempts=attempts or settings.hkex_attempts, today=settings.today())
    else:
        # a bar whose open or close lies outside its own range is kept, as HKEX's are: the
        # stock rules are a future date, a non-positive price and high below low
        raw = src.fetch_plan(settings, p.fetch_plan(), session, attempts, ranges=False)
    return stock_frame(raw, p)


def fetch_universe(settings: Settings, plans: list[StockPlan], *, workers: int | None = None,
                   limiters: dict | None = None, tokens: dict | None = None) -> UniverseResult:
    """Every plan in a pool of ``workers`` threads (``settings.fetch_workers``), each source
    under its rate limit; a failed stock is recorded, never raised.

    ``limiters``: source -> an object with ``acquire()`` called before each request (default:
    a ``RateLimiter`` at the source's configured rate; the Prefect flow passes Prefect's global
    rate limits). ``tokens``: source -> what a run shares (HKEX's token), when already fetched.
    """
    result = UniverseResult(listings={(p.stock_code, p.listing_date) for p in plans})
    limiters = dict(limiters or {})
    sessions = {}
    for source in dict.fromkeys(p.source for p in plans):
        limiters.setdefault(source, RateLimiter(settings.source_rate(source)))
        try:
            token = (tokens or {}).get(source) or module(source).session_token(settings)
            sessions[source] = module(source).open_session(settings, token)
        except SourceError as exc:  # every stock of that source fails with it
            result.failures += [StockFailure(p, reason_of(exc), str(exc), utc_now())
                                for p in plans if p.source == source]
    runnable = [p for p in plans if p.source in sessions]

    def one(p: StockPlan):
        try:
            frame, rebased = fetch_stock(settings, p, sessions[p.source],
                                         limiters[p.source])
            return p, frame, rebased, None
        except Exception as exc:  # noqa: BLE001 - one stock's failure, whatever it is,
            # is that stock's (recorded with its reason), never the other stocks'
            return p, None, False, failure_of(p, exc)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers or settings.fetch_workers),
                                thread_name_prefix="hkpipe-fetch") as pool:
            for p, frame, rebased, failure in pool.map(one, runnable):
                if failure:
                    result.failures.append(failure)
                    continue
                result.frames.setdefault(p.source, []).append(frame)
                result.served.add((p.stock_code, p.listing_date))
                if rebased:
                    result.rebased.append(p)
    finally:
        for session in sessions.values():
            getattr(session, "close", lambda: None)()  # HKEX's shared connections
    result.failures.sort(key=lambda f: (f.plan.source, f.plan.stock_code))
    return result


def merge(results: list[UniverseResult]) -> UniverseResult:
    """One result of several batches."""
    merged = UniverseResult()
    for r in results:
        merged.listings |= r.listings
        merged.served |= r.served
        for source, frames in r.frames.items():
            merged.frames.setdefault(source, []).extend(frames)
        merged.failures += r.failures
        merged.rebased += r.rebased
    merged.failures.sort(key=lambda f: (f.plan.source, f.plan.stock_code))
    return merged


def batches(plans: list[StockPlan], size: int) -> list[list[StockPlan]]:
    return [plans[i:i + size] for i in range(0, len(plans), max(1, size))]


class TooManyStockFailures(PipelineError):
    """More stocks failed than ``HKPIPE_MAX_STOCK_FAILURES`` allows: nothing was published."""

    def __init__(self, result: UniverseResult, limit: float):
        self.result = result
        unserved = set(result.unserved)
        failed = [f for f in result.failures
                  if (f.plan.stock_code, f.plan.listing_date) in unserved]
        shown = failed[:20]
        more = len(failed) - len(shown)
        super().__init__(
            f"not published: {len(unserved)} of {result.wanted} stocks failed "
            f"({result.failed_share:.1%}), more than HKPIPE_MAX_STOCK_FAILURES={limit:g}: "
            + "; ".join(f"{f.plan.stock_code} {f.plan.source} {f.reason}" for f in shown)
            + (f"; and {more} more" if more else ""))


def store(con, result: UniverseResult, *, run_id: str, command: str) -> list[str]:
    """Upsert each source's stock rows and record the failures, in the caller's build."""
    from .load import LoadResult

    loads = []
    for p in result.rebased:
        con.execute(sqlfiles.query("load/stock_delete_listing_source"), {
            "source": p.source, "stock_code": p.stock_code, "listing_date": p.listing_date})
    for source, frames in result.frames.items():
        batch = pd.concat(frames, ignore_index=True)[list(STOCK_COLUMNS)]
        started = utc_now()
        con.register("stock_batch", batch)
        try:
            received, inserted, existing, first, last = con.execute(
                sqlfiles.query("load/stock_batch_counts"), {"source": source}).fetchall()[0]
            con.execute(sqlfiles.query("load/stock_live_upsert"),
                        {"source": source, "loaded_at": started})
        finally:
            con.unregister("stock_batch")
        con.execute(sqlfiles.query("load/load_runs_insert"), {
            "run_id": run_id, "command": command, "source": source, "symbol": "stocks",
            "rows_received": received, "rows_inserted": inserted, "rows_updated": existing,
            "rows_unchanged": 0, "rows_kept": 0, "first_date": first, "last_date": last,
            "started_at": started, "finished_at": utc_now()})
        loads.append(LoadResult("stocks", source, received, inserted, existing, 0, 0, first,
                                last))
    if result.failures:
        rows = pd.DataFrame([(f.plan.source, f.plan.stock_code, f.plan.listing_date,
                              f.plan.remote, f.reason, f.detail, f.plan.start, f.plan.end,
                              f.failed_at) for f in result.failures],
                            columns=list(FAILURE_COLUMNS))
        con.register("failure_batch", rows)
        try:
            con.execute(sqlfiles.query("load/load_failures_insert"),
                        {"run_id": run_id, "command": command})
        finally:
            con.unregister("failure_batch")
    return loads
