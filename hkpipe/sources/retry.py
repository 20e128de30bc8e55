"""The retry rule every live source shares: timeouts, rate limits and 5xx are retried with
exponential backoff (Retry-After honoured, capped); every other failure raises at once. Also
the one way a source reports a rate limit, so the wait it asks for reaches the rule."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import SourceError

T = TypeVar("T")


def with_retries(attempt: Callable[[], T], *, attempts: int, backoff: float, max_wait: float,
                 sleep: Callable[[float], object] | None = None) -> T:
    """``attempt()`` up to ``attempts`` times; waits ``backoff`` s, doubling, or the
    ``retry_after`` the failure carries, never more than ``max_wait``."""
    for n in range(1, attempts + 1):
        try:
            return attempt()
        except SourceError as exc:
            if not exc.retryable or n == attempts:
                if n > 1:
                    exc.args = (f"{exc.args[0]} (after {n} attempts)",)
                raise
            wait = getattr(exc, "retry_after", None) or backoff * 2 ** (n - 1)
            (sleep or time.sleep)(min(wait, max_wait))
    raise AssertionError("attempts must be at least 1")


def rate_limited(where: str, vendor: str, retry_after: str | None) -> SourceError:
    """The failure for an HTTP 429, carrying the Retry-After seconds when they are given."""
    try:
        wait = float(retry_after) if retry_after is not None else None
    except ValueError:
        wait = None
    error = SourceError(f"{where}: rate limited by {vendor} (HTTP 429"
                        f"{f', Retry-After {wait:.0f} s' if wait else ''})",
                        kind="rate_limited", retryable=True)
    error.retry_after = wait
    return error
