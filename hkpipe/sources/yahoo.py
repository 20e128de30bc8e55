"""Yahoo Finance through yfinance: one call with every argument explicit, one normaliser.

yfinance hides causes: a 5xx answer and an unknown symbol both come back as "possibly
delisted; no price data found", a rate limit may surface as an empty frame, and answers are
cached per process. So the HTTP session handed to yfinance records every chart response and
transport error, and ``fetch`` classifies a failure from what was actually on the wire:

| kind            | cause                                   | retried |
|-----------------|-----------------------------------------|---------|
| unreachable     | DNS failure, connection refused         | no      |
| timeout         | no answer within the timeout            | yes     |
| rate_limited    | HTTP 429 (Retry-After honoured)          | yes     |
| server_error    | HTTP 5xx                                | yes     |
| unknown_symbol  | HTTP 404 / Yahoo "No data found"        | no      |
| malformed       | not JSON (an HTML page, a broken body)  | no      |
| empty           | a valid answer with no bars             | no      |
"""

from __future__ import annotations

import json
import logging
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from ..errors import InputError, SourceError
from ..prices import PRICE_COLUMNS, validate
from ..settings import HK_TZ, SourceConfig, hk_today
from .base import Source, rate_limited

# yfinance keeps one process-wide YfData (a singleton holding the HTTP session, cookie and
# crumb) and a Ticker given ``session=`` swaps that session in for every thread: two fetches in
# parallel would read each other's answers. So no Ticker is ever given a session here: each
# thread has its own YfData, built past the singleton, over its own recording session
# (``_thread_data``), and every fetch of that thread goes through it. Threads share nothing but
# yfinance's parsing code; a thread reuses its cookie and crumb from one fetch to the next.
_LOCAL = threading.local()
_CACHES_READY = threading.Event()
_CACHES_LOCK = threading.Lock()


def _open_caches(yf) -> None:
    """Open yfinance's timezone and cookie caches once per process, one thread at a time.

    yfinance opens each SQLite cache on first use without a lock; fetch threads that first use
    it together race on its tables and journal mode and one fails with "database is locked"
    (seen on a fresh cache folder). Once open, its connections wait on SQLite's busy timeout.
    """
    if _CACHES_READY.is_set():
        return
    with _CACHES_LOCK:
        if not _CACHES_READY.is_set():
            yf.cache.get_tz_cache().lookup("")
            yf.cache.get_cookie_cache().lookup("")
            _CACHES_READY.set()


@dataclass
class WireLog:
    """What the session saw for chart requests: (status, headers, body) or an exception."""

    responses: list[tuple[int, dict, bytes]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def _recording_session():
    """A curl_cffi session that records chart answers in its current ``log`` and bounds the
    current fetch by its ``deadline`` (both set per fetch by ``_thread_data``'s caller).

    yfinance fetches a cookie and a crumb before the chart, each with its own 30 s default;
    every request here gets only what is left of the fetch's timeout.
    """
    from curl_cffi import requests as curl_requests
    from curl_cffi.requests.exceptions import Timeout

    class RecordingSession(curl_requests.Session):
        log: WireLog = WireLog()
        deadline: float = 0.0
        timeout: float = 30.0

        def request(self, method, url, *args, **kwargs):
            chart = "/finance/chart/" in str(url)
            log, deadline, timeout = self.log, self.deadline, self.timeout
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise Timeout(f"fetch timed out: no complete answer within {timeout:.0f} s")
                kwargs["timeout"] = min(kwargs.get("timeout") or left, left)
                response = super().request(method, url, *args, **kwargs)
            except Exception as exc:  # transport errors: DNS, refused, timeout
                if chart or isinstance(exc, Timeout):
                    log.errors.append(exc)
                raise
            if chart:
                log.responses.append((response.status_code, dict(response.headers),
                                      bytes(response.content or b"")))
            return response

    return RecordingSession(impersonate="chrome")


def _thread_data():
    """This thread's own yfinance YfData and recording session, made on first use.

    ``YfData`` is a singleton by metaclass; ``object.__new__`` plus ``__init__`` builds a
    private one that the singleton (and every other thread) never sees. Its ``cache_get`` is
    its plain ``get``: yfinance's process-wide lru cache of past-dated chart answers would hide
    Yahoo's revisions and hold every private instance alive.
    """
    pair = getattr(_LOCAL, "pair", None)
    if pair is None:
        from yfinance.data import YfData

        session = _recording_session()
        data = object.__new__(YfData)
        YfData.__init__(data, session=session)
        data.cache_get = data.get
        pair = _LOCAL.pair = (data, session)
    return pair


def _classify(log: WireLog, symbol: str, span: str, exc: BaseException | None) -> SourceError:
    where = f"Yahoo {symbol} {span}"
    for err in log.errors[-1:]:
        text = str(err)
        if "resolve host" in text or "Could not resolve" in text:
            return SourceError(f"{where}: DNS lookup failed, Yahoo is unreachable ({text[:80]})",
                               kind="unreachable")
        if "timed out" in text.lower() or "timeout" in type(err).__name__.lower():
            return SourceError(f"{where}: no answer within the timeout", kind="timeout",
                               retryable=True)
        return SourceError(f"{where}: connection failed ({text[:100]})", kind="unreachable")
    if log.responses:
        status, headers, body = log.responses[-1]
        if status == 429:
            return rate_limited(where, "Yahoo", next(
                (v for k, v in headers.items() if k.lower() == "retry-after"), None))
        if status >= 500:
            return SourceError(f"{where}: Yahoo server error HTTP {status}",
                               kind="server_error", retryable=True)
        if status == 404 or b"No data found" in body:
            return SourceError(f"{where}: unknown symbol (Yahoo: no data found, HTTP {status})",
                               kind="unknown_symbol",
                               reason="not_found" if status == 404 else "unknown")
        try:
            json.loads(body)
        except ValueError:
            return SourceError(f"{where}: answer is not JSON (HTTP {status}, "
                               f"{body[:40]!r}...)", kind="malformed")
        if status >= 400:
            return SourceError(f"{where}: HTTP {status}", kind="http_error")
    if exc is not None and "ratelimit" in type(exc).__name__.lower():
        return SourceError(f"{where}: rate limited by Yahoo", kind="rate_limited",
                           retryable=True)
    detail = f" ({type(exc).__name__}: {str(exc)[:120]})" if exc is not None else ""
    return SourceError(f"{where}: Yahoo returned no price bars{detail}", kind="empty")


def download(symbol: str, start: date, end: date, *, timeout: float) -> pd.DataFrame:
    """One yfinance call for daily bars from ``start`` to ``end`` inclusive (HK dates).

    Raises SourceError with the cause read off the wire. Returns yfinance's raw frame.
    """
    import yfinance as yf

    # yfinance logs its own guesses at the cause ("continuing without crumb"); ours are
    # read off the wire and raised, so its log is kept to errors.
    logging.getLogger("yfinance").setLevel(logging.ERROR)
    yf.config.network.retries = 0  # retries are ours, with backoff and Retry-After
    yf.config.debug.hide_exceptions = False
    _open_caches(yf)
    data, session = _thread_data()
    log = session.log = WireLog()
    session.deadline, session.timeout = time.monotonic() + timeout, timeout
    span = f"{start}..{end}"
    try:
        with warnings.catch_warnings():
            # yfinance trips pandas 3 deprecations on every call; they are not ours to fix
            warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
            warnings.simplefilter("ignore", DeprecationWarning)
            raw = _history(yf, data, symbol, start, end, timeout)
    except Exception as exc:
        raise _classify(log, symbol, span, exc) from exc
    if raw is None or raw.empty or raw.get("Close", pd.Series(dtype=float)).isna().all():
        raise _classify(log, symbol, span, None)
    return raw


def _history(yf, data, symbol: str, start: date, end: date, timeout: float):
    ticker = yf.Ticker(symbol)  # no session= : that would swap the process-wide one
    if not hasattr(ticker, "_data"):  # pragma: no cover - a yfinance upgrade moved it
        raise RuntimeError("yfinance.Ticker has no _data: the per-thread isolation in "
                           "hkpipe/sources/yahoo.py must be revisited for this yfinance")
    ticker._data = data
    return ticker.history(
        period=None, interval="1d", start=start.isoformat(),
        end=(end + timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
        prepost=False, actions=False, auto_adjust=False, back_adjust=False, repair=False,
        keepna=False, rounding=False, timeout=timeout)


def normalise(raw: pd.DataFrame, symbol: str, start: date, end: date, *,
              today: date | None = None, ranges: bool = True) -> pd.DataFrame:
    """yfinance's frame -> the pipeline's price frame.

    The index is tz-aware Hong Kong time; its calendar date there is the trade date (never
    converted through UTC, which would move a midnight bar to the day before). Rows without a
    close (Yahoo's placeholder bars) are dropped; bars outside the asked range are ignored;
    a bar after today in Hong Kong is rejected.
    """
    index = pd.DatetimeIndex(raw.index)
    if index.tz is None:
        index = index.tz_localize(HK_TZ)
    days = index.tz_convert(HK_TZ).tz_localize(None).normalize()
    frame = pd.DataFrame({
        "symbol": symbol,
        "trade_date": days,
        "open": raw.get("Open"),
        "high": raw.get("High"),
        "low": raw.get("Low"),
        "close": raw.get("Close"),
        "adj_close": raw.get("Adj Close"),
        "volume": raw.get("Volume"),
        "turnover_hkd": float("nan"),
    }).reset_index(drop=True)
    for col in PRICE_COLUMNS[2:]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame.loc[frame["volume"] == 0, "volume"] = float("nan")  # Yahoo's 0 means unknown
    frame = frame[frame["close"].notna()]
    today = today or hk_today()
    origin = f"yahoo:{symbol}"
    future = frame[frame["trade_date"] > pd.Timestamp(today)]
    if len(future):
        raise InputError(origin, f"Yahoo served a bar dated {future['trade_date'].iloc[0].date()}"
                         f", after today in Hong Kong ({today})", field="date")
    frame = frame[(frame["trade_date"] >= pd.Timestamp(start))
                  & (frame["trade_date"] <= pd.Timestamp(end))]
    if frame.empty:
        # bars were served, but none in the sessions asked for: the stock stopped trading
        raise SourceError(f"Yahoo {symbol} {start}..{end}: every bar was empty (all-NaN) or "
                          "outside the range asked for", kind="empty", reason="suspended")
    return validate(frame.reset_index(drop=True), origin, today=today, ranges=ranges)


def fetch(symbol: str, start: date, end: date, *, timeout: float = 30.0,
          today: date | None = None, ranges: bool = True) -> pd.DataFrame:
    """Daily bars for ``symbol`` from start to end (HK dates), normalised and validated, in
    one attempt (a bar after ``today`` in Hong Kong is rejected; with ``ranges``, so is an
    open or close outside its bar's high-low range). Retries are the ingest path's
    (``hkpipe.ingest.fetch.with_retries``)."""
    return normalise(download(symbol, start, end, timeout=timeout), symbol, start, end,
                     today=today, ranges=ranges)


def fetch_plan(plan, session, config: SourceConfig, *, today: date, ranges: bool = True
               ) -> pd.DataFrame:
    """One planned fetch (``hkpipe.ingest.plan.FetchPlan``), stored under the plan's symbol.
    Yahoo needs no session shared between fetches: each thread keeps its own yfinance state."""
    frame = fetch(plan.remote, plan.start, plan.end, timeout=config.timeout, today=today,
                  ranges=ranges)
    return frame.assign(symbol=plan.symbol)


# Yahoo's chart close is split-adjusted as of the request (its adj_close is adjusted for
# dividends as well), so its stock closes are 'adjusted' and its returns total returns.
SOURCE = Source(
    name="yahoo", label="Yahoo", serves=frozenset({"indexes", "stocks"}),
    price_basis="adjusted", price_rank=3, debut_rank=2, return_rank=1,
    return_basis="total return", column="yahoo_symbol", env="YAHOO",
    # 4 requests/s: well under the rate at which Yahoo starts answering 429
    defaults=SourceConfig(rate=4.0, timeout=30.0, attempts=3), fetch=fetch_plan)
SOURCES = (SOURCE,)
