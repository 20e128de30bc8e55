"""Checks across sources: reconciliation of their closes, and gaps no source filled.

Neither blocks publishing (the data is what the sources said); both make ``check`` exit 1,
so a new disagreement or an unexplained gap is reviewed, and a documented one is not.
"""

from __future__ import annotations

from .. import sqlfiles
from . import CheckResult

MAX_LISTED = 5


def _shorten(listing: str | None, count: int, sep: str) -> str:
    """The first MAX_LISTED items of a ``sep``-joined listing, and how many more there are."""
    more = f" and {count - MAX_LISTED} more" if count > MAX_LISTED else ""
    return sep.join((listing or "").split(sep)[:MAX_LISTED]) + more


def reconcile(con) -> list[CheckResult]:
    """``reconcile:<symbol>`` for each symbol two sources observed on a common day."""
    out = []
    for symbol, days, sources, bad, documented, examples, tolerance in con.execute(
            sqlfiles.query("quality/reconcile")).fetchall():
        doc = f"; {documented} documented disagreement(s)" if documented else ""
        if bad:
            detail = (f"{bad} day(s) where closes differ by more than {tolerance:g}% "
                      f"({sources}): {_shorten(examples, bad, '; ')}{doc}")
        else:
            detail = (f"{days} day(s) with closes from {sources}, all within "
                      f"{tolerance:g}%{doc}")
        out.append(CheckResult(f"reconcile:{symbol}", not bad, detail))
    return out


def coverage(con) -> list[CheckResult]:
    """``coverage:<symbol>``: missing sessions by severity; unexplained ones fail."""
    out = []
    for symbol, unexplained, documented, sessions, reason in con.execute(
            sqlfiles.query("quality/coverage")).fetchall():
        doc = f"{documented} documented gap(s)" if documented else "no documented gap"
        if unexplained:
            detail = (f"{unexplained} unexplained missing session(s): "
                      f"{_shorten(sessions, unexplained, ', ')} ({reason}); {doc}")
        else:
            detail = f"no unexplained missing session; {doc}"
        out.append(CheckResult(f"coverage:{symbol}", not unexplained, detail))
    return out


def reconcile_stocks(con) -> list[CheckResult]:
    """``reconcile:stocks``: vendors' daily returns on the listing-days both hold. A warning,
    not a failure: one vendor adjusts for dividends and the other does not, so ex-dividend
    days differ by design."""
    tolerance, days, listings, bad, bad_listings, examples = con.execute(
        sqlfiles.query("quality/reconcile_stocks")).fetchall()[0]
    if not days:
        return []
    if not bad:
        return [CheckResult("reconcile:stocks", True, f"{days} listing-day(s) of {listings} "
                            f"listing(s) held by two vendors; daily returns all within "
                            f"{tolerance:g} points")]
    return [CheckResult("reconcile:stocks", True,
                        f"{bad} of {days} listing-day(s) held by two vendors ({bad_listings} of "
                        f"{listings} listing(s)) have daily returns more than {tolerance:g} "
                        "points apart "
                        f"(ex-dividend days, where one vendor adjusts and the other does not, "
                        f"are expected), largest: {_shorten(examples, bad, '; ')}",
                        warning=True)]
