"""Paths and tunables, read from environment variables with sane defaults.

| variable              | default                      |
|-----------------------|------------------------------|
| HKPIPE_WAREHOUSE      | data/warehouse.duckdb        |
| HKPIPE_SEEDS          | <project>/seeds              |
| HKPIPE_REPORTS        | reports                      |
| HKPIPE_LOCK_TIMEOUT   | 600 (seconds a refresh waits for another to finish) |
| HKPIPE_<SOURCE>_RATE, | per live source, declared by the source (``hkpipe.sources``): |
| _TIMEOUT, _ATTEMPTS   | |
| HKPIPE_YAHOO_TIMEOUT  | 30 (seconds per Yahoo request) |
| HKPIPE_YAHOO_ATTEMPTS | 3 (tries per symbol for timeouts, 429 and 5xx) |
| HKPIPE_HKEX_URL       | https://www1.hkex.com.hk/hkexwidget/data (the widget service base) |
| HKPIPE_HKEX_TOKEN_URL | the public equities quote page the session token is read from |
| HKPIPE_HKEX_TIMEOUT   | 30 (seconds a whole HKEX fetch may take, token included) |
| HKPIPE_HKEX_ATTEMPTS  | 3 (tries per symbol for timeouts, 429 and 5xx) |
| HKPIPE_HKEX_SECURITIES_URL | HKEX's ListOfSecurities.xlsx (read by discovery) |
| HKPIPE_HKEX_LIST_TIMEOUT | 60 (seconds the List of Securities download may take) |
| HKPIPE_MAX_STOCK_FAILURES | 0.05 (share of a universe refresh's stock fetches that may
|                       | fail, each recorded in load_failures; above it nothing is published) |
| HKPIPE_FETCH_WORKERS  | 8 (threads fetching stocks at once in a universe refresh) |
| HKPIPE_YAHOO_RATE     | 4 (Yahoo requests started per second, all threads together; 0: no limit) |
| HKPIPE_HKEX_RATE      | 2 (HKEX requests started per second; 0: no limit) |
| HKPIPE_NOW            | unset: the wall clock. An ISO time (e.g. 2026-05-04T18:00:00+08:00)
|                       | is "now" for everything that asks: future-date rejection, GX
|                       | parameters, the calendar horizon, freshness, the refresh plan; so a
|                       | past day can be replayed. Audit timestamps stay wall-clock. |
| HKPIPE_REVIEW_AUTHOR  | hkpipe (the organisation named as author of the report's ClaimReview
|                       | JSON-LD, claims.jsonld) |
| HKPIPE_REVIEW_AUTHOR_URL | unset (that organisation's address; left out when unset) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
HK_TZ = "Asia/Hong_Kong"
# the share of a universe refresh's stocks that may fail before nothing is published
DEFAULT_MAX_STOCK_FAILURES = 0.05


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
class SourceConfig:
    """One live source's settings for a run: requests started per second over all threads
    (0: no limit), seconds one fetch may take, tries per fetch (timeouts, 429 and 5xx are
    retried), and the source's own options (HKEX's addresses). The variables and defaults
    come from the source's declaration (``hkpipe.sources``)."""

    rate: float = 0.0
    timeout: float = 30.0
    attempts: int = 3
    options: Mapping[str, str] = field(default_factory=dict)


def utc_now() -> datetime:
    """Naive UTC wall-clock time, as stored in TIMESTAMP columns.

    Only for audit facts: when a load ran (``loaded_at``, ``started_at``), when a claim was
    checked or a suite validated, when a fetch failed, and run ids. These record when
    something really happened, so they deliberately ignore HKPIPE_NOW: replaying a past day
    must not back-date the audit trail. Every "today"/"now" that decides something comes from
    ``clock``.
    """
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    seeds_dir: Path
    reports_dir: Path
    lock_timeout: float
    now: str | None = None
    max_stock_failures: float = DEFAULT_MAX_STOCK_FAILURES
    fetch_workers: int = 8
    # who publishes the report's fact-checks (schema.org ClaimReview author, claims.jsonld)
    review_author: str = "hkpipe"
    review_author_url: str = ""
    # source name -> its run settings, one per live source of the registry (``sources``)
    sources: Mapping[str, SourceConfig] = field(default_factory=dict)

    def source(self, name: str) -> SourceConfig:
        """Source ``name``'s settings (a source without any: no limit, the defaults)."""
        return self.sources.get(name) or SourceConfig()

    def with_source(self, name: str, **changes) -> Settings:
        """These settings with some of source ``name``'s changed (rate, timeout, attempts, or
        an option such as HKEX's ``url``)."""
        config = self.source(name)
        options = {k: changes.pop(k) for k in list(changes) if k in config.options}
        config = replace(config, **changes, options={**config.options, **options})
        return replace(self, sources={**self.sources, name: config})

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
            lock_timeout=number("HKPIPE_LOCK_TIMEOUT", env),
            now=env.get("HKPIPE_NOW") or None,
            max_stock_failures=number("HKPIPE_MAX_STOCK_FAILURES", env),
            fetch_workers=number("HKPIPE_FETCH_WORKERS", env),
            review_author=env.get("HKPIPE_REVIEW_AUTHOR", "").strip() or "hkpipe",
            review_author_url=review_url(env.get("HKPIPE_REVIEW_AUTHOR_URL", "")),
            sources=source_configs(env),
        )
        given = {k: (Path(v) if k.endswith(("_dir", "warehouse")) else v)
                 for k, v in overrides.items() if v is not None}
        settings = replace(settings, **given)
        settings.clock()  # HKPIPE_NOW (or now=) must be a time: refused here, not mid-run
        return settings


def review_url(text: str) -> str:
    """HKPIPE_REVIEW_AUTHOR_URL: empty, or an http(s) address (InputError, exit 2, else)."""
    import re

    from .errors import InputError

    text = text.strip()
    if text and not re.fullmatch(r"https?://\S+", text):
        raise InputError(None, f"environment variable HKPIPE_REVIEW_AUTHOR_URL={text!r} is not "
                         "an http(s) address; leave it unset to publish no address")
    return text


# Every numeric HKPIPE_* variable: (type, default, lowest, highest, what it is). Checked in one
# place (``number``); the bounds keep each value meaningful: a timeout is a finite number of
# seconds, a share is a fraction, a thread or attempt count a whole number in reason.
NUMBERS: dict[str, tuple[type, str, float, float, str]] = {
    "HKPIPE_LOCK_TIMEOUT": (float, "600", 0, 7 * 86400, "seconds a writer waits for another"),
    "HKPIPE_MAX_STOCK_FAILURES": (float, str(DEFAULT_MAX_STOCK_FAILURES), 0, 1,
                                  "the share of a universe refresh's stocks that may fail, "
                                  "a fraction"),
    "HKPIPE_FETCH_WORKERS": (int, "8", 1, 256, "threads fetching stocks at once"),
}
# Each live source's HKPIPE_<ENV>_RATE, _TIMEOUT and _ATTEMPTS are checked by the same rule,
# with the defaults the source declares (``source_configs``).


def number(name: str, env=None, spec: tuple | None = None) -> float | int:
    """The value of numeric variable ``name`` (its ``spec``, default ``NUMBERS[name]``), its
    default when unset or empty;
    InputError (exit 2) naming the variable for anything else: not a number, NaN, infinite,
    a fraction where a whole number is wanted, or outside its bounds."""
    import math

    from .errors import InputError

    kind, default, low, high, what = spec or NUMBERS[name]
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


def source_configs(env: Mapping[str, str]) -> dict[str, SourceConfig]:
    """Every live source's settings from HKPIPE_<ENV>_RATE, _TIMEOUT and _ATTEMPTS and its
    own options (each honoured exactly as given, so a source can point at a stand-in), with
    the defaults the source declares."""
    from . import sources

    out = {}
    for source in sources.all_sources().values():
        if not source.env:
            continue
        prefix, d = f"HKPIPE_{source.env}_", source.defaults
        out[source.name] = SourceConfig(
            rate=number(f"{prefix}RATE", env, (
                float, f"{d.rate:g}", 0, 1e6,
                f"{source.label} requests per second, 0 for no limit")),
            timeout=number(f"{prefix}TIMEOUT", env, (
                float, f"{d.timeout:g}", 0.1, 86400,
                f"seconds a whole {source.label} fetch may take")),
            attempts=number(f"{prefix}ATTEMPTS", env, (
                int, str(d.attempts), 1, 100, f"tries per {source.label} fetch")),
            options={name: env.get(var, default)
                     for name, (var, default) in source.options.items()})
    return out
