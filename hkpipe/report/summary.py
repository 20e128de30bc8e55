"""The daily flow's summary for operators (the Prefect artifact ``hkpipe-daily-summary``),
rendered from ``templates/daily_summary.md.j2`` over a published run's result: as-of dates,
what changed, the universe's coverage with each failed stock, every failed check and every
warning, and the report's path."""

from __future__ import annotations

from . import _environment


def daily_summary(result: dict, warehouse: str) -> str:
    """``result``: what ``flows.daily_refresh.publish_and_check`` returns (plain values)."""
    checks = result["checks"]
    return _environment().get_template("daily_summary.md.j2").render(
        result=result, warehouse=warehouse,
        failed=[c for c in checks if not c["ok"]],
        warnings=[c for c in checks if c["ok"] and c.get("warning")],
        changed=[c for c in result["claims"] if c["changed"]],
        universe=result.get("universe"))
