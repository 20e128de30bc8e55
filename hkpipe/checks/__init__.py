"""Checks over the warehouse. Each returns results; none prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # worth a look, never a failure (ok stays True)

    def as_dict(self) -> dict:
        return asdict(self)
