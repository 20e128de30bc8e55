"""What a source declares about itself, once: ``Source``. What a run configures for it is a
``settings.SourceConfig``, read from the variables the source declares (``Settings.from_env``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..settings import SourceConfig

KINDS = ("indexes", "stocks", "listings")  # what a source can serve


@dataclass(frozen=True)
class Source:
    """A source of prices. ``name`` is what the warehouse stores in its ``source`` columns.

    Live sources (``fetch`` set) are planned, fetched, rate-limited and retried by
    ``hkpipe.ingest``; the others (the bundled snapshot, bundled stock vendors, analysts'
    imports) are read from files, and are registered so that their precedence and labels
    come from the same place (the warehouse's ``source_registry`` table, written from here).
    """

    name: str
    label: str
    serves: frozenset[str]
    # what its stock closes are: 'unadjusted' (as traded) or 'adjusted'; None: serves no prices
    price_basis: str | None = None
    # precedence, smaller first (NULL: never chosen for that purpose); see sql/views/_rules
    price_rank: int | None = None  # resolving an index's price from its observations
    debut_rank: int | None = None  # whose first close is a listing's debut (as traded only)
    return_rank: int | None = None  # whose series a stock's returns are measured on
    return_basis: str | None = None  # 'total return' or 'price return' on that series
    is_exchange: bool = False  # the exchange's own data (not a vendor's)
    is_prefix: bool = False  # ``name`` is a prefix: 'import:' matches 'import:<file>'
    column: str | None = None  # the seeds/indexes.csv column naming an index there
    # live sources only
    env: str | None = None  # HKPIPE_<env>_RATE, _TIMEOUT, _ATTEMPTS
    defaults: SourceConfig = SourceConfig()
    options: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # name: (env, default)
    strict_ranges: bool = True  # an index bar's open/close must lie within its high-low range
    session_token: Callable[[SourceConfig], object] | None = None  # shared by a whole run
    open_session: Callable[[SourceConfig, object], object] | None = None
    # fetch(plan, session, config, today) -> price frame of plan.remote stored under
    # plan.symbol, one attempt; raises SourceError (classified, ``reason`` set) or InputError
    fetch: Callable[..., object] | None = None

    @property
    def live(self) -> bool:
        return self.fetch is not None

    def remote(self, kind: str, row) -> str | None:
        """What the source calls an index (its registry column) or a stock."""
        if kind == "indexes":
            return getattr(row, self.column) or None if self.column else None
        return stock_symbol(row.stock_code)

    def matches(self, stored: str) -> bool:
        return stored.startswith(self.name) if self.is_prefix else stored == self.name


def stock_symbol(stock_code: str) -> str:
    """A 5-digit stock code as both Yahoo and HKEX's widget ask for it: 00700 -> 0700.HK."""
    return f"{int(stock_code):04d}.HK"




def rate_limited(where: str, vendor: str, retry_after: str | None):
    """The failure for an HTTP 429, carrying the Retry-After seconds when they are given."""
    from ..errors import SourceError

    try:
        wait = float(retry_after) if retry_after is not None else None
    except ValueError:
        wait = None
    return SourceError(f"{where}: rate limited by {vendor} (HTTP 429"
                       f"{f', Retry-After {wait:.0f} s' if wait else ''})",
                       kind="rate_limited", retryable=True, retry_after=wait)
