"""Paths and small read helpers for every tier; the fixtures built on them are in
tests/conftest.py."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from hkpipe.settings import PROJECT_ROOT, Settings
from hkpipe.warehouse import table_checksums

SEEDS = PROJECT_ROOT / "seeds"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"

# A closed port on this machine: HKEX is "unreachable" unless a test starts its stand-in, so no
# test ever reaches the real service.
NO_HKEX = {"HKPIPE_HKEX_URL": "http://127.0.0.1:9/hkexwidget/data",
           "HKPIPE_HKEX_TOKEN_URL": "http://127.0.0.1:9/quote",
           "HKPIPE_HKEX_SECURITIES_URL": "http://127.0.0.1:9/ListOfSecurities.xlsx"}
# HTTPS through a closed proxy: Yahoo (and any other real service) is "unreachable" for every
# test and what it starts, whatever network the machine has; loopback stays direct.
NO_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def make_settings(tmp: Path, seeds_dir: Path = SEEDS) -> Settings:
    return Settings.from_env(warehouse=tmp / "warehouse.duckdb", seeds_dir=seeds_dir,
                             reports_dir=tmp / "reports")


def checksums(path: Path, tables: list[str] | None = None) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return table_checksums(con, tables)
    finally:
        con.close()


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def retried_fetch(source, *args, attempts: int = 3, backoff: float = 2.0, sleep=None, **kwargs):
    """One ``source.fetch`` under the ingest path's one retry rule (what a refresh does)."""
    from hkpipe.ingest.fetch import with_retries

    return with_retries(lambda: source.fetch(*args, **kwargs), attempts=attempts,
                        backoff=backoff, sleep=sleep)


# The day the bundled ^HSI snapshot ends: tests that replay a "now" of August 2026 (the HKEX and
# Yahoo stand-ins' days) use the seeds as they stood then, since the curated listings run to
# 2026-09-30 and a listing after "now" is rightly refused as in the future.
AUGUST_DAY = "2026-08-21"


DATE_COLUMNS = {"date", "listing_date", "event_date", "announced_date", "as_of",
                "launch_date", "base_date"}


def seeds_as_of(day: str, target: Path) -> Path:
    """A copy of the bundled seeds as they could have been on ``day``: no row dated later, no
    delisting after it, and the data's end (data_coverage.covers_to) no later than ``day``.
    For a test whose HKPIPE_NOW lies before the bundled data's end (2026-09-30)."""
    shutil.copytree(SEEDS, target)
    for path in [*target.glob("*.csv"), *target.glob("prices/*.csv")]:
        if path.name in ("claims.csv", "xhkg_sessions.csv"):
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if not rows:
            continue
        kept = []
        for row in rows:
            if any(row.get(c) and row[c] > day for c in DATE_COLUMNS):
                continue
            if row.get("delisting_date", "") > day:
                row["delisting_date"] = ""  # not delisted yet on that day
            if row.get("covers_to", "") > day:
                row["covers_to"] = day  # the data as it stood that day ends then
            kept.append(row)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
    return target
