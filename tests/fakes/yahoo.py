"""An in-process Yahoo Finance for tests: yfinance's real HTTP parsing, no network.

yfinance sends every request through a curl_cffi ``Session``; tests monkeypatch
``Session.request`` so that the cookie, crumb and v8 chart URLs are answered here with
Yahoo-format JSON built from a small frame of bars. Scripted faults (429 with or without
Retry-After, 5xx, HTML, malformed JSON, DNS failure, refused connection, timeout) are queued per
symbol and served before the bars. Adapted from the project's reference notes on running
yfinance offline (yfinance 1.7, curl_cffi 0.17).
"""

from __future__ import annotations

import csv
import json
import threading
import time
from collections import defaultdict, deque
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from hkpipe import calendar

from .common import SEEDS

# Friday 2026-08-28, 18:00 in Hong Kong: that day's session has closed (the last day
# ``serve_normal`` serves).
NOW = "2026-08-28T10:00:00Z"
# Yahoo stamps Hong Kong daily bars at the 09:30 HKT open (01:30 UTC).
HK_OPEN_UTC = pd.Timedelta(hours=1, minutes=30)


def bars(rows: list[tuple]) -> pd.DataFrame:
    """[(date, open, high, low, close, volume), ...] -> bars indexed by HK date."""
    frame = pd.DataFrame(rows, columns=["date", "Open", "High", "Low", "Close", "Volume"])
    return frame.set_index(pd.to_datetime(frame.pop("date")))


class FakeYahoo:
    def __init__(self):
        self.bars: dict[str, pd.DataFrame] = {}
        self.faults: dict[str, deque] = defaultdict(deque)
        self.stamp_offset: dict[str, pd.Timedelta] = {}
        self.calls: list[str] = []
        self.delay = 0.0  # seconds each chart answer takes (to make concurrent fetches overlap)
        self.in_flight = 0
        self.max_in_flight = 0  # the most chart requests answered at once
        self._lock = threading.Lock()

    # --- scripting -----------------------------------------------------------------
    def serve(self, symbol: str, frame: pd.DataFrame, *, stamp_offset=HK_OPEN_UTC):
        """Serve ``frame`` for ``symbol``; ``stamp_offset`` is the bar time after HK midnight
        minus 8 h (the default puts bars at 09:30 HKT; pd.Timedelta(hours=-8) at midnight HKT)."""
        self.bars[symbol] = frame
        self.stamp_offset[symbol] = stamp_offset

    def fail(self, symbol: str, *faults):
        """Queue faults for the next chart requests of ``symbol``: ('status', code, headers,
        body) or ('raise', exception)."""
        self.faults[symbol].extend(faults)

    # --- answering -----------------------------------------------------------------
    def chart(self, symbol: str, params: dict) -> tuple[int, dict, bytes]:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            return self._chart(symbol, params)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _chart(self, symbol: str, params: dict) -> tuple[int, dict, bytes]:
        if self.faults[symbol]:
            fault = self.faults[symbol].popleft()
            if fault[0] == "raise":
                raise fault[1]
            _, status, headers, body = fault
            return status, headers, body
        frame = self.bars.get(symbol)
        if frame is None:
            body = {"chart": {"result": None, "error": {
                "code": "Not Found", "description": "No data found, symbol may be delisted"}}}
            return 404, {"Content-Type": "application/json"}, json.dumps(body).encode()
        stamps = ((frame.index + self.stamp_offset[symbol]).tz_localize("UTC")
                  .as_unit("s").asi8)
        keep = pd.Series(True, index=frame.index)
        if "period1" in params:
            keep &= stamps >= int(params["period1"])
        if "period2" in params:
            keep &= stamps < int(params["period2"])
        if params.get("range") == "1d":
            keep[:-1] = False
        sel, ts = frame[keep.values], stamps[keep.values]
        last = int(ts[-1]) if len(ts) else 0
        result = {
            "meta": {
                "currency": "HKD", "symbol": symbol, "exchangeName": "HKG",
                "fullExchangeName": "HKSE", "instrumentType": "INDEX",
                "firstTradeDate": 534528000, "regularMarketTime": last,
                "hasPrePostMarketData": False, "gmtoffset": 28800, "timezone": "HKT",
                "exchangeTimezoneName": "Asia/Hong_Kong",
                "regularMarketPrice": (float(sel["Close"].iloc[-1])
                                       if len(sel) and pd.notna(sel["Close"].iloc[-1])
                                       else None),
                "priceHint": 2,
                "currentTradingPeriod": {k: {"timezone": "HKT", "start": last,
                                             "end": last + 23400, "gmtoffset": 28800}
                                         for k in ("pre", "regular", "post")},
                "dataGranularity": params.get("interval", "1d"),
                "range": params.get("range", ""),
                "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "max"],
            },
            "timestamp": [int(t) for t in ts],
            "indicators": {
                "quote": [{c.lower(): [None if pd.isna(v) else
                                       (int(v) if c == "Volume" else float(v))
                                       for v in sel[c]]
                           for c in ("Open", "High", "Low", "Close", "Volume")}],
                # an "Adj Close" column where the test gives one (a dividend since), else close
                "adjclose": [{"adjclose": [None if pd.isna(v) else float(v)
                                           for v in sel.get("Adj Close", sel["Close"])]}],
            },
        }
        if not len(sel):
            result.pop("timestamp")
            result["indicators"] = {"quote": [{}], "adjclose": [{}]}
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"chart": {"result": [result], "error": None}}).encode()

    def answer(self, method: str, url: str, params: dict | None):
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        query.update({k: str(v) for k, v in (params or {}).items()})
        self.calls.append(f"{method} {parts.netloc}{parts.path}")
        if parts.netloc == "fc.yahoo.com":
            return 404, {"Content-Type": "text/html"}, b""
        if parts.path.endswith("/v1/test/getcrumb"):
            return 200, {"Content-Type": "text/plain"}, b"offline-crumb"
        if "/v8/finance/chart/" in parts.path:
            return self.chart(unquote(parts.path.rsplit("/", 1)[-1]), query)
        return 404, {"Content-Type": "application/json"}, b'{"error":"not faked"}'

    def install(self, monkeypatch):
        """Answer every curl_cffi request in this process from this fake."""
        from curl_cffi import requests as curl_requests

        fake = self

        def request(session, method, url, params=None, **kwargs):
            status, headers, body = fake.answer(method, url, params)
            response = curl_requests.Response()
            response.status_code, response.ok = status, status < 400
            response.content, response.url = body, url
            response.reason = "OK" if status < 400 else "Error"
            for k, v in headers.items():
                response.headers[k] = v
            return response

        monkeypatch.setattr(curl_requests.Session, "request", request)
        return self


def dns_error():
    from curl_cffi.requests.exceptions import DNSError
    return DNSError("Failed to perform, curl: (6) Could not resolve host: "
                    "query2.finance.yahoo.com")


def timeout_error():
    from curl_cffi.requests.exceptions import Timeout
    return Timeout("Failed to perform, curl: (28) Operation timed out after 1000 ms")


def refused_error():
    from curl_cffi.requests.exceptions import ConnectionError
    return ConnectionError("Failed to perform, curl: (7) Failed to connect to "
                           "query2.finance.yahoo.com port 443: Connection refused")


# --- scenarios: the bundled snapshot's own rows re-served, and new sessions after it -------

def snapshot_rows(name, since):
    with open(SEEDS / "prices" / name, newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["date"] >= since]


def real_bars(name, since):
    """The snapshot's own rows from ``since`` on, as Yahoo bars (what Yahoo would re-serve)."""
    rows = snapshot_rows(name, since)
    return [(r["date"], float(r["open"]), float(r["high"]), float(r["low"]), float(r["close"]),
             1_000_000) for r in rows]


def new_sessions(first: str, last: str, start_close: float):
    """Plausible bars for the XHKG sessions from first to last (days after the snapshot ends)."""
    out, close = [], start_close
    for i, day in enumerate(calendar.sessions(first, last)):
        close = round(close * (1 + (0.004 if i % 2 else -0.003)), 2)
        out.append((day.date().isoformat(), close - 40, close + 60, close - 90, close,
                    2_000_000 + i))
    return out


def serve_normal(fake, until="2026-08-28", *, tech_until=None):
    """^HSI: the snapshot's last days re-served plus new sessions to ``until``. HSTECH.HK: the
    snapshot's last days only (Yahoo has served little of it), or new sessions to
    ``tech_until``."""
    hsi = real_bars("HSI.csv", "2026-08-14") + new_sessions("2026-08-24", until, 25_300.0)
    fake.serve("^HSI", bars(hsi))
    tech = real_bars("HSTECH.csv", "2024-11-06")
    if tech_until:
        tech += new_sessions("2024-11-14", tech_until, 4_100.0)
    fake.serve("HSTECH.HK", bars(tech))
    return hsi
