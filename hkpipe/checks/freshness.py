"""Freshness: each index (``freshness:<symbol>``) and the listed stock universe
(``freshness:stocks``) against the last completed XHKG session.

An index whose latest row came from a live source must reach the last completed session;
bundled or imported data is reported with its as-of date.

Live stock prices must reach the last completed XHKG session. A stock behind it is a warning
when the latest universe refresh recorded why (suspended, not found, failing after retries:
``load_failures``), and a failure when the lag is unexplained and beyond one session. Until a
live universe refresh has run, the bundled vendors' prices are all there is, and the check
says so without failing.
"""

from __future__ import annotations

from datetime import datetime

from .. import sqlfiles
from . import CheckResult

MAX_LISTED = 5


def _codes(rows, describe) -> str:
    shown = ", ".join(describe(r) for r in rows[:MAX_LISTED])
    return shown + (f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else "")


def indexes(con, now: datetime, live_sources: tuple[str, ...]) -> list[CheckResult]:
    """``freshness:<symbol>`` per index: its last stored session against the last completed
    one (``now`` naive UTC)."""
    out = []
    for symbol, last, source, expected, behind in con.execute(
            sqlfiles.query("quality/freshness"), {"now": now}).fetchall():
        if source in live_sources:
            ok = behind == 0
            detail = (f"last stored session {last} ({source}); last completed XHKG session "
                      f"{expected}" + ("" if ok else f": {behind} session(s) behind, STALE"))
        else:
            ok = True
            detail = (f"as of {last} ({source}); last completed XHKG session {expected}, "
                      f"not expected from this source")
        out.append(CheckResult(f"freshness:{symbol}", ok, detail))
    return out


def stocks(con, now: datetime, live_sources: list[str]) -> list[CheckResult]:
    rows = con.execute(sqlfiles.query("quality/stock_freshness"),
                       {"now": now, "sources": live_sources}).fetchall()
    if not rows:
        return []
    refreshed = rows[0][8]
    last = rows[0][4]
    if not refreshed:
        return [CheckResult("freshness:stocks", True,
                            f"no live refresh of the universe has run: the {len(rows)} listed "
                            "stocks have the bundled vendors' prices only (see "
                            "ipo_performance.coverage_note); `hkpipe refresh --universe "
                            f"listings` brings them to the last completed session {last}")]
    behind = [r for r in rows if r[5] > 0]
    explained = [r for r in behind if r[6]]
    unexplained = [r for r in behind if not r[6] and r[5] > 1]
    suspended = [r for r in behind if r[7]]

    def lag(r) -> str:
        since = (f"since {r[2]}" if r[2] else f"never fetched live, stored to {r[9]}"
                 if r[9] else "never fetched")
        return f"{r[0]} {r[5]} session(s) {since}" + (f" ({r[6]})" if r[6] else "")

    parts = [f"{len(rows) - len(behind)} of {len(rows)} listed stocks on the last completed "
             f"session {last}"]
    if behind:
        one = sum(r[5] == 1 for r in behind)
        few = sum(1 < r[5] <= 5 for r in behind)
        parts.append(f"{len(behind)} behind (1 session: {one}; 2-5: {few}; more: "
                     f"{len(behind) - one - few})")
    if suspended:
        parts.append(f"suspended: {_codes(suspended, lambda r: r[0])}")
    if explained:
        parts.append(f"{len(explained)} with a recorded failure: {_codes(explained, lag)}")
    if unexplained:
        parts.append(f"UNEXPLAINED lag beyond one session: {len(unexplained)}: "
                     f"{_codes(unexplained, lag)}")
    return [CheckResult("freshness:stocks", not unexplained, "; ".join(parts),
                        warning=bool(behind) and not unexplained)]
