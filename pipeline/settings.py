"""Paths and tunables, read from environment variables with sane defaults.

| variable              | default                      |
|-----------------------|------------------------------|
| HKPIPE_WAREHOUSE      | data/warehouse.duckdb        |
| HKPIPE_SEEDS          | <project>/seeds              |
| HKPIPE_REPORTS        | reports                      |
| HKPIPE_LOCK_TIMEOUT   | 600 (seconds a refresh waits for another to finish) |
| HKPIPE_YAHOO_TIMEOUT  | 30 (seconds per Yahoo request) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    seeds_dir: Path
    reports_dir: Path
    lock_timeout: float
    yahoo_timeout: float

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        settings = cls(
            warehouse=Path(env.get("HKPIPE_WAREHOUSE", "data/warehouse.duckdb")),
            seeds_dir=Path(env.get("HKPIPE_SEEDS", PROJECT_ROOT / "seeds")),
            reports_dir=Path(env.get("HKPIPE_REPORTS", "reports")),
            lock_timeout=float(env.get("HKPIPE_LOCK_TIMEOUT", "600")),
            yahoo_timeout=float(env.get("HKPIPE_YAHOO_TIMEOUT", "30")),
        )
        given = {k: (Path(v) if k.endswith(("_dir", "warehouse")) else v)
                 for k, v in overrides.items() if v is not None}
        return replace(settings, **given)
