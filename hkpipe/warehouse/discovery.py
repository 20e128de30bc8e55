"""Listings discovery in a build: store a day's List of Securities and raise the candidates it
shows against the curated seeds (the rules: ``sql/views/_listing_rules.sql``); the
candidates awaiting review (``pending``), for the CLI, the check and ``listings propose``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from .. import sqlfiles
from ..settings import utc_now


@dataclass
class DiscoveryResult:
    """What one stored list did: its date, and the candidates awaiting review after it."""

    as_of: date
    issuers: int
    stored: bool  # False: a list of that date (or a later one) was stored already
    pending: list[dict] = field(default_factory=list)

    def notes(self) -> list[str]:
        head = (f"List of Securities as at {self.as_of}: {self.issuers} equity issuers"
                + ("" if self.stored else " (a list of this date or later is stored already; "
                   "not stored again)"))
        return [head] + [describe(c) for c in self.pending]


def describe(c: dict) -> str:
    """One candidate as the CLI, the log and the check name it."""
    if c["kind"] == "listing":
        first = f", first session {c['first_session']}" if c.get("first_session") else ""
        return (f"candidate listing {c['stock_code']} {c['short_name']} ({c['board']}"
                f"{', markers ' + c['markers'] if c['markers'] else ''}), first seen "
                f"{c['since']}{first}, proposed tier {c['proposed_tier']}")
    seen = f"last seen {c['last_seen']}" if c.get("last_seen") else "on no stored list"
    return (f"candidate delisting {c['stock_code']} {c['short_name']} (listed {c['since']}), "
            f"{seen}")


def store_list(con: duckdb.DuckDBPyConnection, listing, *, url: str, run_id: str
               ) -> DiscoveryResult:
    """Store ``listing`` (a ``sources.listings.SecuritiesList``) and log what it raises.

    A list older than, or as old as, the latest stored one is not stored again (the history
    only grows forward); the candidates are raised all the same, against today's seeds."""
    latest = con.execute(sqlfiles.query("load/securities_list_latest")).fetchall()[0][0]
    stored = latest is None or listing.as_of > latest
    if stored:
        con.register("list_batch", listing.issuers)
        try:
            params = {"as_of": listing.as_of, "previous": latest}
            con.execute(sqlfiles.query("load/listed_securities_extend"), params)
            con.execute(sqlfiles.query("load/listed_securities_open"),
                        {"as_of": listing.as_of})
        finally:
            con.unregister("list_batch")
        con.execute(sqlfiles.query("load/securities_lists_insert"), {
            "as_of": listing.as_of, "equity_lines": listing.equity_lines,
            "issuers": len(listing.issuers), "url": url, "run_id": run_id,
            "loaded_at": utc_now()})
    as_of = listing.as_of if stored else latest
    con.execute(sqlfiles.query("load/listing_candidates_raise"),
                {"as_of": as_of, "run_id": run_id})
    return DiscoveryResult(listing.as_of, len(listing.issuers), stored, pending(con))


def pending(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The candidates awaiting review, one dict each (``listing_candidates`` columns)."""
    return sqlfiles.records(con, "report/listing_candidates_pending")
