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
    stamp = pd.Timestamp(value) if value else pd.Timestamp.now(tz="UTC")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


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
        env = os.environ
        settings = cls(
            warehouse=Path(env.get("HKPIPE_WAREHOUSE", "data/warehouse.duckdb")),
            seeds_dir=Path(env.get("HKPIPE_SEEDS", PROJECT_ROOT / "seeds")),
            reports_dir=Path(env.get("HKPIPE_REPORTS", "reports")),
            lock_timeout=float(env.get("HKPIPE_LOCK_TIMEOUT", "600")),
            yahoo_timeout=float(env.get("HKPIPE_YAHOO_TIMEOUT", "30")),
            yahoo_attempts=int(env.get("HKPIPE_YAHOO_ATTEMPTS", "3")),
            now=env.get("HKPIPE_NOW") or None,
            # honoured exactly as given, so the source can point at a stand-in service
            hkex_url=env.get("HKPIPE_HKEX_URL", HKEX_URL),
            hkex_token_url=env.get("HKPIPE_HKEX_TOKEN_URL", HKEX_TOKEN_URL),
            hkex_timeout=float(env.get("HKPIPE_HKEX_TIMEOUT", "30")),
            hkex_attempts=int(env.get("HKPIPE_HKEX_ATTEMPTS", "3")),
            max_stock_failures=_fraction(env.get("HKPIPE_MAX_STOCK_FAILURES", "0.05"),
                                         "HKPIPE_MAX_STOCK_FAILURES"),
            fetch_workers=max(1, int(env.get("HKPIPE_FETCH_WORKERS", "8"))),
            yahoo_rate=float(env.get("HKPIPE_YAHOO_RATE", "4")),
            hkex_rate=float(env.get("HKPIPE_HKEX_RATE", "2")),
        )
        given = {k: (Path(v) if k.endswith(("_dir", "warehouse")) else v)
                 for k, v in overrides.items() if v is not None}
        return replace(settings, **given)


def _fraction(text: str, name: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(f"{name}={text}: a fraction between 0 and 1 is required")
    return value
