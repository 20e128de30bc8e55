"""Errors the CLI maps to exit codes: InputError -> 2, everything a check finds -> 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# An error message quotes at most this many characters of what it refuses: a 1 MB cell, a
# 40 kB ledger comparison or a deep JSON answer is cut here, in one place (``clip``).
MAX_MESSAGE = 400


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to about ``limit`` characters, keeping its start and its end (where a
    message says what was expected) and saying how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    tail = limit // 4
    head = limit - tail
    return f"{text[:head]}...[{len(text) - head - tail:,} characters cut]...{text[-tail:]}"


class PipelineError(Exception):
    """A failure the user can act on; the message is one clear line."""


class InputError(PipelineError):
    """Bad input: names the file and, where known, the line and field.

    Raised before anything is written, so the warehouse stays as it was.
    """

    def __init__(
        self,
        path: str | Path | None,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ):
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.reason = message = clip(message)
        where = [clip(p, 300) for p in (self.path, f"line {line}" if line else None,
                                        f"field '{field}'" if field else None) if p]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@contextmanager
def reading(path: str | Path, kind: str) -> Iterator[None]:
    """Within this block, a failure to read ``path`` (a ``kind``: "CSV file", "text file") is
    one InputError line: not found, a directory, or the system's reason."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, f"is a directory, not a {kind}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None


class DiskFull(PipelineError):
    """The disk filled while writing (ENOSPC); nothing was published. Exit 3, not 2: the input
    was fine."""


class WarehouseBusy(PipelineError):
    """Another refresh holds the warehouse's write lock."""


class SourceError(PipelineError):
    """A price source failed (network, rate limit, empty answer, unknown symbol).

    ``kind`` is the failure as read off the wire (the tables in each source module);
    ``retryable`` whether the one retry rule (``hkpipe.ingest.fetch``) tries again; ``reason``
    what ``load_failures.reason`` records for a stock, set where the failure is raised (by
    default: after_retries for a retryable failure, else the kind's entry in
    ``REASONS``, else 'error')."""

    REASONS = {"rejected": "rejected", "unreachable": "unreachable", "malformed": "malformed",
               "http_error": "http_error", "empty": "empty", "unknown_symbol": "unknown"}

    def __init__(self, message: str, *, kind: str, retryable: bool = False,
                 reason: str | None = None, retry_after: float | None = None):
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after  # seconds the source asked to wait (HTTP 429)
        self.reason = reason or ("after_retries" if retryable else
                                 self.REASONS.get(kind, "error"))
        super().__init__(message)
