"""Listings discovery's check: a warning (never a failure) while candidate listings or
delistings from HKEX's List of Securities await review, naming them."""

from __future__ import annotations

import duckdb

from ..warehouse import discovery
from . import CheckResult

MAX_NAMED = 10  # the check's detail names this many; `hkpipe listings propose` shows all


def candidates(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """One result: PASS when nothing awaits review (or no list was ever stored), else WARN
    naming the candidates. ``con`` is at this code's schema (a build, or ``open_current``)."""
    waiting = discovery.pending(con)
    if not waiting:
        return [CheckResult("listings:candidates", True, "no candidate listing or delisting "
                            "awaits review")]
    named = "; ".join(discovery.describe(c) for c in waiting[:MAX_NAMED])
    more = f"; and {len(waiting) - MAX_NAMED} more" if len(waiting) > MAX_NAMED else ""
    return [CheckResult("listings:candidates", True,
                        f"{len(waiting)} candidate(s) await review (hkpipe listings propose): "
                        f"{named}{more}", warning=True)]
