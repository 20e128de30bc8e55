"""On a built warehouse nothing is loaded after the stock suites last passed, so their
incremental batches are empty and `check` passes them without running GX."""

from __future__ import annotations

from hkpipe import jobs


def test_empty_incremental_stock_batches_pass_without_a_gx_run(built_settings):
    checks = {c.name: c for c in jobs.check(built_settings, record=False).checks}
    for name in ("gx:stock_prices", "gx:stock_moves"):
        assert checks[name].ok, checks[name].detail
        assert "passed on 0 rows (an empty batch" in checks[name].detail
        assert "GX not run" in checks[name].detail
    assert "stored result" in checks["gx:prices"].detail  # the other suites as before
