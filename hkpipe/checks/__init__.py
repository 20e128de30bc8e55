"""Checks over the warehouse. Each returns results; none prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # worth a look, never a failure (ok stays True)

    @property
    def label(self) -> str:
        """How every report prints it: FAIL, WARN (ok, but worth a look) or PASS."""
        return "FAIL" if not self.ok else "WARN" if self.warning else "PASS"

    def as_dict(self) -> dict:
        return asdict(self)
