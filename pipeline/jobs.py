"""Use cases: run, refresh, load_seeds, import_prices, check. The CLI and the flows call these.

Every job reads and validates all its input first, then changes the warehouse in one build that
is published atomically (see ``warehouse.build``), so bad input or a failure changes nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import load, seeds, sqlfiles, warehouse
from .checks import CheckResult, claims, integrity, quality
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
    claims: list[claims.ClaimResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not any(c.changed for c in self.claims)


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
           price_frames: dict[str, pd.DataFrame] | None = None, source: str = "",
           evaluate: bool = False) -> None:
    ledger = claims.read_ledger(settings.seeds_dir / "claims.csv") if evaluate else None
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout) as con:
        for table, frame in (seed_frames or {}).items():
            outcome.seeds[table] = load.replace_seed(con, table, seeds.frame_for_table(frame))
        if price_frames:
            batch = pd.concat(price_frames.values(), ignore_index=True)
            outcome.loads += load.upsert_prices(con, batch, source=source,
                                                run_id=outcome.run_id, command=command)
        outcome.checks = _assert_integrity(con)
        if ledger is not None:
            _evaluate(con, settings, outcome, command, ledger, record=True)


def _evaluate(con, settings: Settings, outcome: Outcome, command: str,
              ledger: list[claims.Claim], *, record: bool) -> None:
    """Claims and data-quality suites on ``con``; with ``record``, store the results in it."""
    if not outcome.checks:
        outcome.checks = integrity.run(con)
    outcome.claims = claims.evaluate(con, ledger, settings.seeds_dir / "claims.csv")
    rows = [r.as_dict() for r in outcome.claims]
    batches = quality.prices_batches(con) + [
        quality.listings_batch(con),
        quality.claim_results_batch([{**r, "claim_id": r["id"]} for r in rows],
                                    [c.id for c in ledger])]
    outcome.checks += quality.validate(con, batches, store=record)
    if record:
        checked_at = load.utc_now()
        for r in rows:
            con.execute(sqlfiles.query("load/claim_results_insert"), {
                "run_id": outcome.run_id, "checked_at": checked_at, "command": command,
                "claim_id": r["id"], "statement": r["statement"],
                "measured_item": r["measured_item"], "measured": r["measured"],
                "measured_detail": r["measured_detail"], "comparison": r["comparison"],
                "verdict": r["verdict"], "expected": r["expected"], "changed": r["changed"],
                "rounded_comparison": r["rounded_comparison"],
                "rounded_verdict": r["rounded_verdict"],
                "evidence": json.dumps(r["evidence"]), "note": r["note"]})


def run(settings: Settings, *, source: str = "snapshot") -> Outcome:
    """The main job: load seeds and prices, check everything, record, publish once."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    seed_frames = read_seeds(settings.seeds_dir)
    prices = fetch_prices(settings, source, seed_frames["indexes"])
    _write(settings, outcome, "run", seed_frames=seed_frames, price_frames=prices,
           source=source, evaluate=True)
    outcome.notes += _missing_data_notes(seed_frames["indexes"], prices)
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


def check(settings: Settings, *, record: bool = True) -> Outcome:
    """Integrity checks, claim ledger and GX suites on the published warehouse.

    With ``record`` the verdicts go into ``claim_results`` through a build-and-publish (so an
    analyst's open connection is never in the way); without, the warehouse is only read.
    """
    outcome = Outcome(new_run_id(), settings.warehouse)
    ledger = claims.read_ledger(settings.seeds_dir / "claims.csv")
    if record:
        warehouse.check_target(settings.warehouse)
        if not settings.warehouse.exists():
            raise PipelineError(f"no warehouse at {settings.warehouse}; build it with "
                                "`hkpipe run`")
        with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout) as con:
            _evaluate(con, settings, outcome, "check", ledger, record=True)
    else:
        con = warehouse.connect_read_only(settings.warehouse)
        try:
            _evaluate(con, settings, outcome, "check", ledger, record=False)
        finally:
            con.close()
    return outcome


def _missing_data_notes(registry: pd.DataFrame, prices: dict[str, pd.DataFrame]) -> list[str]:
    return [f"{r.symbol} ({r.name}): no data loaded. {r.data_source}"
            for r in registry.itertuples(index=False) if r.symbol not in prices]


def report(settings: Settings, out_dir: Path, *, data_docs: bool = True):
    """Write the Markdown/HTML report with charts (and GX Data Docs) from the published data."""
    from . import report as report_module

    outcome = check(settings, record=False)
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        return outcome, report_module.build(con, outcome, out_dir, data_docs=data_docs)
    finally:
        con.close()
