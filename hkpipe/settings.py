"""Paths and tunables, read from environment variables with sane defaults.

| variable              | default                      |
|-----------------------|------------------------------|
| HKPIPE_WAREHOUSE      | data/warehouse.duckdb        |
| HKPIPE_SEEDS          | <project>/seeds              |
| HKPIPE_REPORTS        | reports                      |
| HKPIPE_LOCK_TIMEOUT   | 600 (seconds a refresh waits for another to finish) |
| HKPIPE_YAHOO_TIMEOUT  | 30 (seconds per Yahoo request) |
| HKPIPE_YAHOO_ATTEMPTS | 3 (tries per symbol for timeouts, 429 and 5xx) |
| HKPIPE_HKEX_URL       | https://www1.hkex.com.hk/hkexwidget/data (the widget service base) |
| HKPIPE_HKEX_TOKEN_URL | the public equities quote page the session token is read from |
| HKPIPE_HKEX_TIMEOUT   | 30 (seconds a whole HKEX fetch may take, token included) |
| HKPIPE_HKEX_ATTEMPTS  | 3 (tries per symbol for timeouts, 429 and 5xx) |
| HKPIPE_MAX_STOCK_FAILURES | 0.05 (share of a universe refresh's stock fetches that may
|                       | fail, each recorded in load_failures; above it nothing is published) |
| HKPIPE_FETCH_WORKERS  | 8 (threads fetching stocks at once in a universe refresh) |
| HKPIPE_YAHOO_RATE     | 4 (Yahoo requests started per second, all threads together; 0: no limit) |
| HKPIPE_HKEX_RATE      | 2 (HKEX requests started per second; 0: no limit) |
| HKPIPE_NOW            | unset: the wall clock. An ISO time (e.g. 2026-05-04T18:00:00+08:00)
|                       | is "now" for everything that asks: future-date rejection, GX
|                       | parameters, the calendar horizon, freshness, the refresh plan; so a
|                       | past day can be replayed. Audit timestamps stay wall-clock. |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
HKEX_URL = "https://www1.hkex.com.hk/hkexwidget/data"
HKEX_TOKEN_URL = ("https://www.hkex.com.hk/Market-Data/Securities-Prices/Equities/"
                  "Equities-Quote?sym=700&sc_lang=en")
HK_TZ = "Asia/Hong_Kong"


def clock(now: str | None = None):
    """The pipeline's one clock: now as a UTC pandas Timestamp.

    ``now`` (an ISO time) when given, else HKPIPE_NOW when set, else the wall clock. Every
    "today" and "now" the pipeline reasons with comes from here (``Settings.clock``,
    ``hk_today``). Audit timestamps (``load.utc_now``) deliberately do not.
    """
    import pandas as pd

    value = now or os.environ.get("HKPIPE_NOW") or None
    if not value:
        return pd.Timestamp.now(tz="UTC")
    try:
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ValueError("not a time")
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    except (ValueError, TypeError, OverflowError, ArithmeticError):
        from .errors import InputError

        raise InputError(None, f"HKPIPE_NOW={value!r} is not an ISO time (e.g. "
                         "2026-05-04T18:00:00+08:00); unset it to use the wall clock") from None


def hk_today(now: str | None = None) -> date:
    """Today's date in Hong Kong (the exchange's calendar date, whatever the host's zone),
    by ``clock``."""
    return clock(now).tz_convert(HK_TZ).date()


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    seeds_dir: Path
    reports_dir: Path
    lock_timeout: float
    yahoo_timeout: float
    yahoo_attempts: int = 3
    now: str | None = None
    hkex_url: str = ""
    hkex_token_url: str = ""
    hkex_timeout: float = 30.0
    hkex_attempts: int = 3
    max_stock_failures: float = 0.05
    fetch_workers: int = 8
    yahoo_rate: float = 4.0
    hkex_rate: float = 2.0

    def source_rate(self, source: str) -> float:
        """Requests per second ``source`` may be sent, all threads together (0: no limit)."""
        return {"yahoo": self.yahoo_rate, "hkex": self.hkex_rate}.get(source, 0.0)

    def clock(self):
        """Now as a UTC pandas Timestamp: this settings' HKPIPE_NOW, else the wall clock."""
        return clock(self.now)

    def today(self) -> date:
        """Today in Hong Kong by ``clock``."""
        return hk_today(self.now)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from the HKPIPE_* variables, each number checked once (``number``): a bad
        value is an InputError (exit 2) naming the variable, before anything runs."""
        env = os.environ
        settings = cls(
            warehouse=Path(env.get("HKPIPE_WAREHOUSE", "data/warehouse.duckdb")),
            seeds_dir=Path(env.get("HKPIPE_SEEDS", PROJECT_ROOT / "seeds")),
            reports_dir=Path(env.get("HKPIPE_REPORTS", "reports")),
            lock_timeout=number("HKPIPE_LOCK_TIMEOUT"),
            yahoo_timeout=number("HKPIPE_YAHOO_TIMEOUT"),
            yahoo_attempts=number("HKPIPE_YAHOO_ATTEMPTS"),
            now=env.get("HKPIPE_NOW") or None,
            # honoured exactly as given, so the source can point at a stand-in service
            hkex_url=env.get("HKPIPE_HKEX_URL", HKEX_URL),
            hkex_token_url=env.get("HKPIPE_HKEX_TOKEN_URL", HKEX_TOKEN_URL),
            hkex_timeout=number("HKPIPE_HKEX_TIMEOUT"),
            hkex_attempts=number("HKPIPE_HKEX_ATTEMPTS"),
            max_stock_failures=number("HKPIPE_MAX_STOCK_FAILURES"),
            fetch_workers=number("HKPIPE_FETCH_WORKERS"),
            yahoo_rate=number("HKPIPE_YAHOO_RATE"),
            hkex_rate=number("HKPIPE_HKEX_RATE"),
        )
        given = {k: (Path(v) if k.endswith(("_dir", "warehouse")) else v)
                 for k, v in overrides.items() if v is not None}
        settings = replace(settings, **given)
        settings.clock()  # HKPIPE_NOW (or now=) must be a time: refused here, not mid-run
        return settings


# Every numeric HKPIPE_* variable: (type, default, lowest, highest, what it is). Checked in one
# place (``number``); the bounds keep each value meaningful: a timeout is a finite number of
# seconds, a share is a fraction, a thread or attempt count a whole number in reason.
NUMBERS: dict[str, tuple[type, str, float, float, str]] = {
    "HKPIPE_LOCK_TIMEOUT": (float, "600", 0, 7 * 86400, "seconds a writer waits for another"),
    "HKPIPE_YAHOO_TIMEOUT": (float, "30", 0.1, 86400, "seconds a whole Yahoo fetch may take"),
    "HKPIPE_YAHOO_ATTEMPTS": (int, "3", 1, 100, "tries per Yahoo symbol"),
    "HKPIPE_HKEX_TIMEOUT": (float, "30", 0.1, 86400, "seconds a whole HKEX fetch may take"),
    "HKPIPE_HKEX_ATTEMPTS": (int, "3", 1, 100, "tries per HKEX symbol"),
    "HKPIPE_MAX_STOCK_FAILURES": (float, "0.05", 0, 1, "the share of a universe refresh's "
                                  "stock fetches that may fail, a fraction"),
    "HKPIPE_FETCH_WORKERS": (int, "8", 1, 256, "threads fetching stocks at once"),
    "HKPIPE_YAHOO_RATE": (float, "4", 0, 1e6, "Yahoo requests per second, 0 for no limit"),
    "HKPIPE_HKEX_RATE": (float, "2", 0, 1e6, "HKEX requests per second, 0 for no limit"),
}


def number(name: str, env=None) -> float | int:
    """The value of numeric variable ``name`` (``NUMBERS``), its default when unset or empty;
    InputError (exit 2) naming the variable for anything else: not a number, NaN, infinite,
    a fraction where a whole number is wanted, or outside its bounds."""
    import math

    from .errors import InputError

    kind, default, low, high, what = NUMBERS[name]
    text = (os.environ if env is None else env).get(name, "").strip() or default
    whole = "a whole number" if kind is int else "a number"
    try:
        value = float(text)
        if kind is int:
            if not value.is_integer():
                raise ValueError
            value = int(value)
    except (ValueError, OverflowError):
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        raise InputError(None, f"environment variable {name}={text!r} is not valid: "
                         f"{what}, {whole} from {low:g} to {high:g} (default {default})")
    return value
