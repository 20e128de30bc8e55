"""HKEX's market-data widget service (``hkexwidget``): daily bars for indexes and stocks.

The service is keyless but undocumented (docs/sources.md); this module
absorbs all of it and returns the pipeline's one price frame:

- a session token sits in a public quote page, inside ``LabCI.getToken = function () {...}``
  (take the ``return "..."`` that starts its line: a commented sample sits above it); it is
  sent as it is (already URL-encoded); a refused call gets one fresh token and one retry;
- answers are JSONP, ``CB({"data": {"responsecode": "000", "datalist": [...]}})``; each row
  is ``[epoch_ms, open, high, low, close, volume, turnover]``, padded with all-null rows at
  both ends, numbers possibly comma-grouped strings;
- ``epoch_ms`` is midnight in Hong Kong of the trading day: read in Hong Kong time, never
  through UTC (which would give the day before).

Failures are classified from what was on the wire, with the same retry rules as Yahoo:

| kind         | cause                                                     | retried |
|--------------|-----------------------------------------------------------|---------|
| unreachable  | DNS failure, connection refused                           | no      |
| timeout      | no complete answer within ``HKPIPE_HKEX_TIMEOUT``         | yes     |
| rate_limited | HTTP 429 (Retry-After honoured)                           | yes     |
| server_error | HTTP 5xx                                                  | yes     |
| rejected     | an HTML page or a non-"000" code, again with a new token  | no      |
| empty        | "000" with no bars (an unknown or unpadded RIC)           | no      |
| malformed    | broken JSONP or JSON, no token on the token page, 4xx     | no      |
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..errors import InputError, SourceError
from ..prices import PRICE_COLUMNS, validate
from ..settings import HK_TZ, SourceConfig, hk_today
from .base import Source, rate_limited

HKEX_URL = "https://www1.hkex.com.hk/hkexwidget/data"
HKEX_TOKEN_URL = ("https://www.hkex.com.hk/Market-Data/Securities-Prices/Equities/"
                  "Equities-Quote?sym=700&sc_lang=en")
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0 Safari/537.36",
    "Referer": "https://www.hkex.com.hk/",
}
CALLBACK = "hkpipe"
DAILY, LONGEST = "6", "8"  # span=6: daily bars; int=8: the longest history (~10 years)

_GETTOKEN = re.compile(r"LabCI\.getToken\s*=\s*function\s*\(\s*\)\s*\{(?P<body>[^}]*)\}")
_RETURN = re.compile(r'(?P<before>[^\n]*?)\breturn\s+"(?P<token>[^"]+)"')
_NUMERAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_JSONP = re.compile(rb"^\s*(?P<cb>[A-Za-z_$][\w$.]*)\s*\((?P<json>.*)\)\s*;?\s*$", re.S)


class _Refused(Exception):
    """The service refused the token (an HTML page or a non-"000" code)."""


def parse_token(page: str, url: str) -> str:
    """The live token of a quote page; SourceError(malformed) when the page has none."""
    block = _GETTOKEN.search(page)
    # the live return, not the commented-out sample (//return "...") above it
    found = next((m for m in _RETURN.finditer(block["body"]) if "//" not in m["before"]),
                 None) if block else None
    if not found:
        raise SourceError(f"HKEX token page {url}: no LabCI.getToken return \"...\" on it "
                          "(the page layout changed?)", kind="malformed")
    return found["token"]


def parse_jsonp(body: bytes, where: str) -> list:
    """The ``datalist`` of a JSONP answer. Raises _Refused for a refused token and
    SourceError(malformed) for anything that is not the documented shape."""
    text = body.lstrip()
    if text[:1] == b"<":
        raise _Refused(f"an HTML page ({text[:60]!r}...)")
    match = _JSONP.match(body)
    if not match:
        raise SourceError(f"{where}: answer is not JSONP ({body[:60]!r}...)", kind="malformed")
    try:
        # NaN and Infinity are not JSON: refused as malformed, never read as numbers
        doc = json.loads(match["json"], parse_constant=_no_constant)
        data = doc["data"]
        code = str(data.get("responsecode", ""))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, MemoryError):
        # RecursionError: JSON nested deeper than the parser's stack (100,000 '[')
        raise SourceError(f"{where}: JSONP does not hold the documented JSON "
                          f"({match['json'][:60]!r}...)", kind="malformed") from None
    if code != "000":
        raise _Refused(f"response code {code!r} ({data.get('responsemsg') or 'no message'})")
    rows = data.get("datalist")
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise SourceError(f"{where}: datalist is not a list of rows", kind="malformed")
    return rows


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _number(value) -> float:
    """A number as served: int, float, a comma-grouped string, or a placeholder (NaN).

    A numeral too large for a float (``"1e999"``, a 400-digit integer) comes back infinite,
    for ``prices.validate`` to refuse as out of range, naming the symbol and day; words that
    ``float`` would read (``nan``, ``inf``, ``1_000``) and anything not a number or a string
    are malformed (ValueError)."""
    if value is None or isinstance(value, bool):
        return float("nan")
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:
            return float("inf")
    if not isinstance(value, str):
        raise ValueError(f"a JSON {type(value).__name__} is not a number")
    text = value.replace(",", "").strip()
    if text in ("", "-", "N/A", "null"):
        return float("nan")
    if not _NUMERAL.fullmatch(text):
        raise ValueError(f"{value[:60]!r} is not a number")
    return float(text)


def normalise(rows: list, symbol: str, ric: str, start: date | None, end: date, *,
              today: date | None = None) -> pd.DataFrame:
    """``datalist`` rows -> the pipeline's price frame, validated.

    Padding rows (no close) are dropped; bars after ``end`` (and before ``start``, when
    given) are ignored; a bar after today in Hong Kong, a non-positive value or high below
    low is refused (InputError).
    """
    where = f"HKEX {ric}"
    origin = f"hkex:{ric} (symbol {symbol})"
    try:
        records = [(r[0], *(_number(v) for v in (list(r[1:7]) + [None] * 6)[:6]))
                   for r in rows if len(r) >= 5 and not pd.isna(_number(r[4]))]
    except ValueError as exc:
        raise SourceError(f"{where}: {exc} in a bar", kind="malformed") from None
    if not records:
        raise SourceError(f"{where} {start}..{end}: no bars (responsecode 000 with an empty "
                          "datalist: an unknown or unpadded RIC?)", kind="empty")
    raw = pd.DataFrame(records, columns=["epoch_ms", "open", "high", "low", "close",
                                         "volume", "turnover_hkd"])
    try:
        stamps = pd.to_datetime(raw["epoch_ms"].astype("int64"), unit="ms", utc=True)
    except (ValueError, TypeError, OverflowError):
        raise SourceError(f"{where}: bar times are not epoch milliseconds", kind="malformed"
                          ) from None
    frame = pd.DataFrame({
        "symbol": symbol,
        # midnight HKT of the trading day: its Hong Kong calendar date is the trade date
        "trade_date": stamps.dt.tz_convert(HK_TZ).dt.tz_localize(None).dt.normalize(),
        "open": raw["open"], "high": raw["high"], "low": raw["low"], "close": raw["close"],
        "adj_close": float("nan"),
        "volume": raw["volume"], "turnover_hkd": raw["turnover_hkd"],
    })
    frame.loc[frame["volume"] == 0, "volume"] = float("nan")  # indexes: 0 means not given
    frame.loc[frame["turnover_hkd"] == 0, "turnover_hkd"] = float("nan")
    today = today or hk_today()
    future = frame[frame["trade_date"] > pd.Timestamp(today)]
    if len(future):
        raise InputError(origin, f"HKEX served a bar dated {future['trade_date'].iloc[0].date()}"
                         f", after today in Hong Kong ({today})", field="date")
    frame = frame[frame["trade_date"] <= pd.Timestamp(end)]
    if start is not None:
        frame = frame[frame["trade_date"] >= pd.Timestamp(start)]
    if frame.empty:
        # bars were served, but none in the sessions asked for: the stock stopped trading
        raise SourceError(f"{where} {start or '...'}..{end}: no bars in the range asked for",
                          kind="empty", reason="suspended")
    # A bar whose open or close lies outside its own high-low range is kept as what HKEX said
    # (reconciliation shows it); resolution prefers a consistent observation of that day.
    return validate(frame[PRICE_COLUMNS].reset_index(drop=True), origin, today=today,
                    ranges=False)


@dataclass
class Client:
    """One HKEX session: the widget base, the token page, the token once fetched, and one
    HTTP connection pool that concurrent fetches share (a new connection per request costs
    more than the answer, and its setup holds the GIL).

    ``timeout`` bounds each fetch as a whole (token page, chart call and one token retry).
    """

    base_url: str = HKEX_URL
    token_url: str = HKEX_TOKEN_URL
    timeout: float = 30.0
    token: str | None = None
    _http: object = field(default=None, repr=False, compare=False)
    _token_lock: threading.Lock = field(default_factory=threading.Lock, repr=False,
                                        compare=False)
    _pool_lock: threading.Lock = field(default_factory=threading.Lock, repr=False,
                                       compare=False)

    def fetch_token(self, deadline: float, refused: str | None = None) -> str:
        """A token; with ``refused``, a fresh one unless another fetch already replaced that
        one (concurrent fetches refused together fetch the token page once)."""
        with self._token_lock:
            if self.token is not None and self.token != refused:
                return self.token
            body = self._get(self.token_url, {}, deadline, f"HKEX token page {self.token_url}")
            self.token = parse_token(body.decode("utf-8", "replace"), self.token_url)
            return self.token

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def _pool(self):
        import httpx

        with self._pool_lock:
            if self._http is None:
                self._http = httpx.Client(headers=HEADERS, follow_redirects=True)
            return self._http

    def datalist(self, ric: str, deadline: float) -> list:
        """Daily bars of ``ric``; one fresh token and one retry when the token is refused."""
        where = f"HKEX {ric}"
        token = self.token
        for attempt in (1, 2):
            if token is None or attempt == 2:
                token = self.fetch_token(deadline, refused=token)
            # qid is any number (browsers send the time in ms); it only defeats caches
            params = {"hchart": "1", "span": DAILY, "int": LONGEST, "ric": ric,
                      "token": token, "qid": str(time.monotonic_ns() // 1_000_000),
                      "callback": CALLBACK}
            try:
                body = self._get(f"{self.base_url.rstrip('/')}/getchartdata2", params,
                                    deadline, where)
                return parse_jsonp(body, where)
            except _Refused as refused:
                if attempt == 2:
                    raise SourceError(f"{where}: token refused again after fetching a fresh "
                                      f"one: {refused}", kind="rejected") from None
        raise AssertionError("unreachable")

    def _get(self, url: str, params: dict, deadline: float, where: str) -> bytes:
        import httpx

        left = deadline - time.monotonic()
        if left <= 0:
            raise SourceError(f"{where}: no complete answer within {self.timeout:.0f} s",
                              kind="timeout", retryable=True)
        # The token is already URL-encoded on the page: send the query string as it is.
        query = "&".join(f"{k}={v}" for k, v in params.items())
        full = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        try:
            status, headers, content = self._read(full, deadline)
        except httpx.TimeoutException:
            raise SourceError(f"{where}: no complete answer within {self.timeout:.0f} s",
                              kind="timeout", retryable=True) from None
        except httpx.TransportError as exc:
            raise SourceError(f"{where}: HKEX is unreachable ({type(exc).__name__}: "
                              f"{str(exc)[:100]})", kind="unreachable") from None
        if status == 429:
            raise rate_limited(where, "HKEX", headers.get("retry-after"))
        if status >= 500:
            raise SourceError(f"{where}: HKEX server error HTTP {status}", kind="server_error",
                              retryable=True)
        if status == 404:
            raise SourceError(f"{where}: HTTP 404 from {url} (check HKPIPE_HKEX_URL and "
                              "HKPIPE_HKEX_TOKEN_URL)", kind="malformed")
        if status >= 400 and params:  # a chart call: 401/403... are how a token is refused
            raise _Refused(f"HTTP {status}")
        if status >= 400:
            raise SourceError(f"{where}: HTTP {status}", kind="malformed")
        return content

    def _read(self, url: str, deadline: float) -> tuple[int, object, bytes]:
        """GET ``url`` whole by ``deadline`` (a monotonic time): httpx's timeout bounds each
        read, not the answer, so a server trickling bytes is cut off here, between chunks."""
        import httpx

        chunks = []
        with self._pool().stream("GET", url, timeout=max(deadline - time.monotonic(), 0.001)
                                 ) as response:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the whole answer took longer than the timeout")
            return response.status_code, response.headers, b"".join(chunks)


def fetch(client: Client, ric: str, symbol: str, start: date | None, end: date, *,
          today: date | None = None) -> pd.DataFrame:
    """Daily bars of ``ric`` stored under ``symbol`` from start to end (HK dates), normalised
    and validated, in one attempt bounded by the client's timeout. Retries are the ingest
    path's (``hkpipe.ingest.fetch.with_retries``)."""
    return normalise(client.datalist(ric, time.monotonic() + client.timeout), symbol, ric,
                     start, end, today=today)


def session_token(config: SourceConfig) -> str:
    """Fetch the token once for a whole run (shared by every fetch of the run)."""
    client = open_session(config)
    try:
        return client.fetch_token(time.monotonic() + client.timeout)
    finally:
        client.close()


def open_session(config: SourceConfig, token: str | None = None) -> Client:
    """A client on the configured service; ``token`` reuses one already fetched this run."""
    return Client(config.options["url"], config.options["token_url"], config.timeout, token)


def fetch_plan(plan, session: Client | None, config: SourceConfig, *, today: date,
               ranges: bool = False) -> pd.DataFrame:
    """One planned fetch (``hkpipe.ingest.plan.FetchPlan``). HKEX answers with its whole
    history (about ten years) whatever is asked. For an index every bar up to the plan's end
    is kept: a re-served unchanged observation costs nothing and each one reconciles another
    source. For a stock, the plan's range."""
    client = session or open_session(config)
    start = None if plan.kind == "indexes" else plan.start
    return fetch(client, plan.remote, plan.symbol, start, plan.end, today=today)


# The exchange's own data: an index's price outranks every vendor's, and a stock's first close
# as traded is its debut; its stock closes are as traded, so a later split shows as a jump and
# returns are measured on a vendor's adjusted series first.
SOURCE = Source(
    name="hkex", label="HKEX", serves=frozenset({"indexes", "stocks"}),
    price_basis="unadjusted", price_rank=2, debut_rank=1, return_rank=3,
    return_basis="price return", is_exchange=True, column="hkex_ric", env="HKEX",
    # 2 requests/s: a keyless public service; ten years of bars per answer
    defaults=SourceConfig(rate=2.0, timeout=30.0, attempts=3),
    options={"url": ("HKPIPE_HKEX_URL", HKEX_URL),
             "token_url": ("HKPIPE_HKEX_TOKEN_URL", HKEX_TOKEN_URL)},
    # a bar outside its own high-low range is kept as what HKEX said (reconciliation shows it)
    strict_ranges=False,
    session_token=session_token, open_session=open_session, fetch=fetch_plan)
SOURCES = (SOURCE,)
