"""Errors the CLI maps to exit codes: InputError -> 2, everything a check finds -> 1."""

from __future__ import annotations

from pathlib import Path


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
        self.reason = message
        where = [p for p in (self.path, f"line {line}" if line else None,
                             f"field '{field}'" if field else None) if p]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class WarehouseBusy(PipelineError):
    """Another refresh holds the warehouse's write lock."""


class SourceError(PipelineError):
    """A price source failed (network, rate limit, empty answer, unknown symbol)."""

    def __init__(self, message: str, *, kind: str, retryable: bool = False):
        self.kind = kind
        self.retryable = retryable
        super().__init__(message)
