"""An HKEX market-data widget service on 127.0.0.1, for tests: the documented wire format.

It serves a quote page carrying ``LabCI.getToken`` (a commented sample return above the live
one; every page view issues a new, URL-encoded token) and ``getchartdata2`` answering JSONP
``CB({"data": {"responsecode": "000", "datalist": [...]}})`` with rows
``[epoch_ms at Hong Kong midnight, open, high, low, close, volume, turnover]``, all-null padding
rows at both ends and comma-grouped number strings, as the real service does
(README "Sources"). Faults are queued per RIC; a token can be made to expire.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd

HTML_ERROR = (b"<!DOCTYPE html><html><head><title>Error</title></head><body>"
              b"<h1>Invalid token</h1></body></html>")


# HKEX Tech 100's only sourced value: its base, 10,000 on 2020-12-31 (seeds/indexes.csv).
BASE = pd.DataFrame({"date": [pd.Timestamp("2020-12-31")], "open": [None], "high": [None],
                     "low": [None], "close": [10000.0], "volume": [None], "turnover": [None]})


def hk_midnight_ms(day) -> int:
    return int(pd.Timestamp(day).tz_localize("Asia/Hong_Kong").tz_convert("UTC").value
               // 1_000_000)


def grouped(value) -> str | None:
    """A number as the service writes big ones: a comma-grouped string."""
    if value is None or pd.isna(value):
        return None
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


class FakeHKEX:
    def __init__(self):
        self.bars: dict[str, pd.DataFrame] = {}
        self.faults: dict[str, deque] = defaultdict(deque)
        self.valid_tokens: set[str] = set()
        self.token_pages = 0
        self.chart_tokens: list[str] = []
        self.delay = 0.0
        self.trickle = 0.0  # seconds between the bytes of a chart answer (0: all at once)
        self.sent: list[tuple[int, int]] = []  # per chart answer: (bytes sent, bytes in it)
        self._server: ThreadingHTTPServer | None = None

    # --- scripting -----------------------------------------------------------------
    def serve(self, ric: str, frame: pd.DataFrame):
        """``frame``: columns date, open, high, low, close, volume, turnover (NaN = null)."""
        self.bars[ric] = frame.reset_index(drop=True)

    def fail(self, ric: str, *faults):
        """Queue answers for the next chart calls of ``ric``: ('status', code, body),
        ('html',), ('code', '020'), ('body', bytes), ('empty',), ('expire',) (the token in
        use expires before this call)."""
        self.faults[ric].extend(faults)

    # --- the service ---------------------------------------------------------------
    def token_page(self) -> bytes:
        self.token_pages += 1
        token = f"evLtsLsBNAUVTPxtGqVeG{self.token_pages}%2BqK%2FhZc4%3D"
        self.valid_tokens.add(token)
        return (
            "<html><head><script>\nvar LabCI = LabCI || {};\n"
            "LabCI.getToken = function () {\n"
            '    //return "Base64-AES-Encrypted-Token";\n'
            f'    return "{token}";\n'
            "};\n</script></head><body>Equities quote</body></html>"
        ).encode()

    def chart(self, query: str) -> tuple[int, str, bytes]:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        callback = params.get("callback")
        if not callback:
            return 200, "text/plain", b""  # the real service answers nothing
        # the token arrives as sent; parse_qs decodes it, so compare with the raw query
        raw_token = next((part[6:] for part in query.split("&") if part.startswith("token=")),
                         "")
        self.chart_tokens.append(raw_token)
        ric = params.get("ric", "")
        fault = self.faults[ric].popleft() if self.faults[ric] else None
        if fault and fault[0] == "expire":
            self.valid_tokens.discard(raw_token)
            fault = None
        if raw_token not in self.valid_tokens:
            return 200, "text/html", HTML_ERROR
        if fault:
            kind = fault[0]
            if kind == "status":
                return fault[1], "text/html", fault[2]
            if kind == "html":
                return 200, "text/html", HTML_ERROR
            if kind == "body":
                return 200, "application/javascript", fault[1]
            if kind == "code":
                doc = {"data": {"responsecode": fault[1], "responsemsg": "Error"}}
                return 200, "application/javascript", self._jsonp(callback, doc)
            if kind == "empty":
                doc = {"data": {"responsecode": "000", "responsemsg": "", "datalist": []}}
                return 200, "application/javascript", self._jsonp(callback, doc)
        frame = self.bars.get(ric)
        rows = []
        if frame is not None and len(frame):
            pad_before = hk_midnight_ms(frame["date"].iloc[0] - pd.Timedelta(days=1))
            pad_after = hk_midnight_ms(frame["date"].iloc[-1] + pd.Timedelta(days=1))
            rows.append([pad_before, None, None, None, None, None, None])
            for r in frame.itertuples(index=False):
                rows.append([hk_midnight_ms(r.date), _num(r.open), _num(r.high), _num(r.low),
                             _num(r.close), grouped(r.volume), grouped(r.turnover)])
            rows.append([pad_after, None, None, None, None, None, None])
        doc = {"data": {"responsecode": "000", "responsemsg": "", "ric": ric,
                        "datalist": rows}, "qid": params.get("qid")}
        return 200, "application/javascript", self._jsonp(callback, doc)

    @staticmethod
    def _jsonp(callback: str, doc: dict) -> bytes:
        return f"{callback}({json.dumps(doc)})".encode()

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> FakeHKEX:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                if fake.delay:
                    time.sleep(fake.delay)
                parts = urlsplit(self.path)
                if parts.path.endswith("/getchartdata2"):
                    status, ctype, body = fake.chart(parts.query)
                elif parts.path.endswith("/quote"):
                    status, ctype, body = 200, "text/html", fake.token_page()
                else:
                    status, ctype, body = 404, "text/html", b"<html>Not found</html>"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fake.trickle and parts.path.endswith("/getchartdata2"):
                    fake.sent.append((0, len(body)))
                    index = len(fake.sent) - 1
                    try:
                        for i in range(len(body)):
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                            fake.sent[index] = (i + 1, len(body))
                            time.sleep(fake.trickle)
                    except OSError:
                        return  # the client hung up
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hkexwidget/data"

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/quote?sym=700&sc_lang=en"

    def env(self, timeout: float = 10.0) -> dict[str, str]:
        return {"HKPIPE_HKEX_URL": self.base_url, "HKPIPE_HKEX_TOKEN_URL": self.token_url,
                "HKPIPE_HKEX_TIMEOUT": str(timeout)}


def _num(value):
    return None if value is None or pd.isna(value) else float(value)


def snapshot_bars(path, since=None, until=None, *, volume_means="volume") -> pd.DataFrame:
    """Bars from a bundled snapshot file, in the fake's columns (real values). The HSI file's
    volume column is market turnover in HKD (``volume_means="turnover"``)."""
    frame = pd.read_csv(path, parse_dates=["date"])
    if since:
        frame = frame[frame["date"] >= pd.Timestamp(since)]
    if until:
        frame = frame[frame["date"] <= pd.Timestamp(until)]
    volume = frame["volume"] if volume_means == "volume" else float("nan")
    turnover = frame["volume"] if volume_means == "turnover" else float("nan")
    return pd.DataFrame({"date": frame["date"], "open": frame["open"], "high": frame["high"],
                         "low": frame["low"], "close": frame["close"], "volume": volume,
                         "turnover": turnover})


def snapshot_service(monkeypatch, now: str):
    """A started stand-in serving the bundled snapshot's indexes since 2016 (and the Tech 100's
    base), its address and ``now`` in the environment; the caller stops it."""
    from .common import SEEDS

    fake = FakeHKEX().start()
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HKPIPE_NOW", now)
    fake.serve(".HSI", snapshot_bars(SEEDS / "prices" / "HSI.csv", "2016-01-01",
                                     volume_means="turnover"))
    fake.serve(".HSTECH", snapshot_bars(SEEDS / "prices" / "HSTECH.csv", "2016-01-01"))
    fake.serve(".HKEXT100", BASE)  # the index's only sourced value: its base (seeds/indexes)
    return fake
