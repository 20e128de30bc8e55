"""An upgraded warehouse read by a DuckDB 1.x client in its own process (the duckdb-cli dev
dependency), as analysts do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from hkpipe import jobs
from hkpipe.warehouse import migrations


def test_upgraded_file_stays_readable_by_duckdb_1x(legacy):
    jobs.run(legacy, source="snapshot")
    cli_path = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli_path, "the duckdb-cli package (a DuckDB 1.x client) is a dev dependency"
    version = subprocess.run([cli_path, "--version"], capture_output=True, text=True,
                             check=True).stdout
    assert version.startswith("v1."), version
    out = subprocess.run(
        [cli_path, "-readonly", "-csv", "-noheader", str(legacy.warehouse), "-c",
         "SELECT max(version) FROM schema_migrations; "
         "SELECT round(pct_change, 2) FROM first_trading_day_returns "
         "WHERE symbol = '^HSI' AND year = 2026; "
         "SELECT close FROM prices WHERE symbol = 'HKEXT100'"],
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(migrations.available()[-1].version), "2.76", "10000.0"]
