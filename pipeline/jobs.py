"""Use cases: run, refresh, load_seeds, import_prices, check. The CLI and the flows call these.

Every job reads and validates all its input first, then changes the warehouse in one build that
is published atomically (see ``warehouse.build``), so bad input or a failure changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import load, seeds, warehouse
from .checks import CheckResult, integrity
from .errors import PipelineError
from .settings import Settings


def new_run_id() -> str:
    return f"{load.utc_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class Outcome:
    """What a job did, for the CLI to print and the flows to log."""

    run_id: str
    warehouse: Path
    loads: list[load.LoadResult] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


class IntegrityFailure(PipelineError):
    """The build broke an integrity rule; it was not published."""

    def __init__(self, failed: list[CheckResult]):
        self.failed = failed
        super().__init__("not published, integrity checks failed: "
                         + "; ".join(f"{c.name}: {c.detail}" for c in failed))


def read_seeds(seeds_dir: Path) -> dict[str, pd.DataFrame]:
    """Validate every seed file; table name -> frame ready to load."""
    return {spec.table: seeds.read_seed(seeds_dir, spec) for spec in seeds.SEEDS}


def fetch_prices(settings: Settings, source: str, registry: pd.DataFrame
                 ) -> dict[str, pd.DataFrame]:
    if source == "snapshot":
        from .sources import snapshot
        return snapshot.fetch(settings.seeds_dir, registry)
    raise PipelineError(f"unknown source {source!r}")


def _assert_integrity(con) -> list[CheckResult]:
    results = integrity.run(con)
    failed = [r for r in results if not r.ok]
    if failed:
        raise IntegrityFailure(failed)
    return results


def _write(settings: Settings, outcome: Outcome, command: str, *,
           seed_frames: dict[str, pd.DataFrame] | None = None,
           price_frames: dict[str, pd.DataFrame] | None = None, source: str = "") -> None:
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout) as con:
        for table, frame in (seed_frames or {}).items():
            outcome.seeds[table] = load.replace_seed(con, table, seeds.frame_for_table(frame))
        if price_frames:
            batch = pd.concat(price_frames.values(), ignore_index=True)
            outcome.loads += load.upsert_prices(con, batch, source=source,
                                                run_id=outcome.run_id, command=command)
        outcome.checks = _assert_integrity(con)


def run(settings: Settings, *, source: str = "snapshot") -> Outcome:
    """The main job: load seeds and prices, check integrity, publish, then run all checks."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    seed_frames = read_seeds(settings.seeds_dir)
    prices = fetch_prices(settings, source, seed_frames["indexes"])
    _write(settings, outcome, "run", seed_frames=seed_frames, price_frames=prices,
           source=source)
    outcome.notes += _missing_data_notes(seed_frames["indexes"], prices)
    outcome.checks = check(settings).checks
    return outcome


def refresh(settings: Settings, *, source: str = "snapshot") -> Outcome:
    """Load prices from ``source`` for every registered index that it serves; publish."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES)
    prices = fetch_prices(settings, source, registry)
    _write(settings, outcome, "refresh", price_frames=prices, source=source)
    outcome.notes += _missing_data_notes(registry, prices)
    return outcome


def load_seeds(settings: Settings) -> Outcome:
    """Validate and load every curated seed table; the whole set or nothing."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    _write(settings, outcome, "load-seeds", seed_frames=read_seeds(settings.seeds_dir))
    return outcome


def check(settings: Settings) -> Outcome:
    """Run the checks on the published warehouse (read-only)."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        outcome.checks = integrity.run(con)
    finally:
        con.close()
    return outcome


def _missing_data_notes(registry: pd.DataFrame, prices: dict[str, pd.DataFrame]) -> list[str]:
    return [f"{r.symbol} ({r.name}): no data loaded. {r.data_source}"
            for r in registry.itertuples(index=False) if r.symbol not in prices]
