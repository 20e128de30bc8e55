"""Use cases: run, refresh, load_seeds, import_prices, check, report, status, migrate. The CLI and
flows call these.

Every job reads and validates all its input first, then changes the warehouse in one build that
is published atomically (see ``warehouse.build``), so bad input or a failure changes nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from . import articles as articles_module
from . import calendar, load, seeds, sqlfiles, warehouse
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
    source_used: str = ""
    as_of: dict[str, date] = field(default_factory=dict)
    migrated: list = field(default_factory=list)  # migrations this run applied
    articles: list = field(default_factory=list)  # the articles (ledgers) checked

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


def snapshot_prices(settings: Settings, registry: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from .sources import snapshot

    return snapshot.fetch(settings.seeds_dir, registry)


@dataclass(frozen=True)
class FetchPlan:
    """One Yahoo request: store ``yahoo_symbol``'s bars from start to end under ``symbol``."""

    symbol: str
    yahoo_symbol: str
    start: date
    end: date


REVISION_SESSIONS = 5  # re-fetch this many stored sessions, so Yahoo's revisions are taken
FULL_HISTORY_START = date(1980, 1, 1)


def _stored_last_dates(settings: Settings) -> dict[str, date]:
    if not settings.warehouse.exists():
        return {}
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        return dict(con.execute(sqlfiles.query("load/last_stored")).fetchall())
    finally:
        con.close()


def plan_yahoo(settings: Settings, registry: pd.DataFrame, *, full: bool = False,
               known_last: dict[str, date] | None = None) -> tuple[list[FetchPlan], list[str]]:
    """What to ask Yahoo for: per registered index with a Yahoo symbol, from a few sessions
    before its last stored day (or all history) to the last completed XHKG session."""
    from . import calendar

    end = calendar.last_completed_session(settings.clock())
    last = _stored_last_dates(settings)
    for symbol, day in (known_last or {}).items():
        last[symbol] = max(day, last.get(symbol, day))
    plans, notes = [], []
    for row in registry.itertuples(index=False):
        if not row.yahoo_symbol:
            notes.append(f"{row.symbol} ({row.name}): no Yahoo symbol, not refreshed. "
                         f"{row.data_source}")
            continue
        start = FULL_HISTORY_START
        if not full and row.symbol in last:
            recent = calendar.sessions(last[row.symbol] - timedelta(days=40), last[row.symbol])
            start = (recent[-REVISION_SESSIONS].date() if len(recent) >= REVISION_SESSIONS
                     else last[row.symbol])
        plans.append(FetchPlan(row.symbol, row.yahoo_symbol, start, end))
    return plans, notes


def fetch_planned(settings: Settings, plan: FetchPlan, *, attempts: int | None = None
                  ) -> pd.DataFrame:
    """Fetch one plan from Yahoo (with the configured retries); the frame carries ``symbol``."""
    from .sources import yahoo

    frame = yahoo.fetch(plan.yahoo_symbol, plan.start, plan.end,
                        timeout=settings.yahoo_timeout,
                        attempts=attempts or settings.yahoo_attempts)
    return frame.assign(symbol=plan.symbol)


def fetch_yahoo(settings: Settings, registry: pd.DataFrame, *, full: bool = False,
                known_last: dict[str, date] | None = None
                ) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """All or nothing: every planned symbol is fetched, or the first failure is raised."""
    plans, notes = plan_yahoo(settings, registry, full=full, known_last=known_last)
    frames = {p.symbol: fetch_planned(settings, p) for p in plans}
    for p in plans:
        f = frames[p.symbol]
        notes.append(f"{p.symbol}: Yahoo served {len(f)} bars "
                     f"{f['trade_date'].min().date()}..{f['trade_date'].max().date()} "
                     f"(asked {p.start}..{p.end})")
    return frames, notes


def _assert_integrity(con) -> list[CheckResult]:
    results = integrity.run(con)
    failed = [r for r in results if not r.ok]
    if failed:
        raise IntegrityFailure(failed)
    return results


def _write(settings: Settings, outcome: Outcome, command: str, *,
           seed_frames: dict[str, pd.DataFrame] | None = None,
           prices: list[tuple[str, dict[str, pd.DataFrame]]] = (),
           evaluate: bool = False) -> None:
    """One build: replace seeds, upsert each (source, frames) in order, check, publish."""
    ledger = articles_module.read_all(settings.seeds_dir) if evaluate else None
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                         migrated=outcome.migrated) as con:
        calendar.sync(con)
        for table, frame in (seed_frames or {}).items():
            outcome.seeds[table] = load.replace_seed(con, table, seeds.frame_for_table(frame))
        for source, frames in prices:
            if frames:
                batch = pd.concat(frames.values(), ignore_index=True)
                outcome.loads += load.upsert_prices(con, batch, source=source,
                                                    run_id=outcome.run_id, command=command)
        outcome.checks = _assert_integrity(con)
        if ledger is not None:
            _evaluate(con, settings, outcome, command, ledger, record=True)


def _evaluate(con, settings: Settings, outcome: Outcome, command: str,
              ledger: list[articles_module.Article], *, record: bool) -> None:
    """Claims, freshness and data-quality suites on ``con``; with ``record``, store them in it.

    Stored suite results are looked up first, so GX (slow to import) is imported in the
    background only when a batch changed, while the claims are computed.
    """
    validation = quality.Validation(con, quality.table_batches()).start()
    if not outcome.checks:
        outcome.checks = integrity.run(con)
    outcome.checks += freshness(con, settings)
    outcome.as_of = dict(con.execute(sqlfiles.query("load/last_stored")).fetchall())
    outcome.articles = ledger
    checked = articles_module.all_claims(ledger)
    outcome.claims = claims.evaluate(con, checked)
    rows = [r.as_dict() for r in outcome.claims]
    validation.add(quality.claim_results_batch(rows, [c.key for c in checked]))
    outcome.checks += validation.finish(store=record)
    if record:
        checked_at = load.utc_now()
        for r in rows:
            con.execute(sqlfiles.query("load/claim_results_insert"), {
                "run_id": outcome.run_id, "checked_at": checked_at, "command": command,
                "data_as_of": r["data_as_of"], "article_id": r["article_id"],
                "claim_id": r["id"], "statement": r["statement"],
                "measured_item": r["measured_item"], "measured": r["measured"],
                "measured_detail": r["measured_detail"], "comparison": r["comparison"],
                "verdict": r["verdict"], "expected": r["expected"], "changed": r["changed"],
                "rounded_comparison": r["rounded_comparison"],
                "rounded_verdict": r["rounded_verdict"],
                "evidence": json.dumps(r["evidence"]), "note": r["note"]})


def run(settings: Settings, *, source: str = "auto") -> Outcome:
    """The main job: load seeds and prices, check everything, record, publish once.

    ``source``: ``snapshot`` (bundled data only), ``yahoo`` (the snapshot, then Yahoo from where
    it ends), or ``auto`` (Yahoo when reachable, else the snapshot; a DNS or connection failure
    means unreachable, a rate limit or an empty answer is an error).
    """
    from .errors import SourceError

    outcome = Outcome(new_run_id(), settings.warehouse)
    if not settings.warehouse.exists():
        quality.preload_gx()  # a new warehouse has nothing validated yet: overlap the import
    seed_frames = read_seeds(settings.seeds_dir)
    registry = seed_frames["indexes"]
    snapshot = snapshot_prices(settings, registry)
    prices = [("snapshot", snapshot)]
    if source in ("yahoo", "auto"):
        known = {s: f["trade_date"].max().date() for s, f in snapshot.items()}
        try:
            frames, notes = fetch_yahoo(settings, registry, known_last=known)
            prices.append(("yahoo", frames))
            outcome.notes += notes
            outcome.source_used = "yahoo"
        except SourceError as exc:
            if source == "yahoo" or exc.kind != "unreachable":
                raise
            outcome.notes.append(f"Yahoo is unreachable ({exc}); USING THE BUNDLED SNAPSHOT")
            outcome.source_used = "snapshot"
    else:
        outcome.source_used = "snapshot"
    _write(settings, outcome, "run", seed_frames=seed_frames, prices=prices, evaluate=True)
    outcome.notes += _missing_data_notes(registry, {s for _, f in prices for s in f})
    return outcome


def refresh(settings: Settings, *, source: str = "snapshot", full: bool = False) -> Outcome:
    """Load prices from ``source`` for every registered index it serves; publish all or nothing.

    Yahoo refreshes are incremental (from a few sessions before the last stored day to the last
    completed session) unless ``full``.
    """
    outcome = Outcome(new_run_id(), settings.warehouse)
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES)
    if source == "yahoo":
        frames, notes = fetch_yahoo(settings, registry, full=full)
        outcome.notes += notes
    elif source == "snapshot":
        frames = snapshot_prices(settings, registry)
    else:
        raise PipelineError(f"unknown source {source!r}")
    outcome.source_used = source
    publish_prices(settings, outcome, source, frames, command="refresh")
    if source == "snapshot":
        outcome.notes += _missing_data_notes(registry, set(frames))
    return outcome


def publish_prices(settings: Settings, outcome: Outcome, source: str,
                   frames: dict[str, pd.DataFrame], *, command: str) -> Outcome:
    """Upsert already-fetched frames from ``source`` in one build and publish it."""
    _write(settings, outcome, command, prices=[(source, frames)])
    return outcome


SYMBOL_PATTERN = r"[A-Za-z0-9^][A-Za-z0-9^.=_-]{0,19}"


def import_prices(settings: Settings, symbol: str, path: Path) -> Outcome:
    """Load an analyst's CSV export for ``symbol`` through the same validation and upsert."""
    import re

    from .errors import InputError
    from .prices import read_price_csv

    if not re.fullmatch(SYMBOL_PATTERN, symbol):
        raise InputError(None, f"symbol {symbol!r} is not valid: 1-20 letters, digits or "
                         "^ . = _ -", field="--symbol")
    frame = read_price_csv(path, symbol)
    outcome = Outcome(new_run_id(), settings.warehouse)
    outcome.source_used = f"import:{Path(path).name}"
    publish_prices(settings, outcome, outcome.source_used, {symbol: frame},
                   command="import-prices")
    return outcome


def load_seeds(settings: Settings) -> Outcome:
    """Validate everything in the seeds folder (tables, snapshot price files, every article's
    metadata and claim ledger) and load the tables and the snapshot prices; the whole set or
    nothing."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    seed_frames = read_seeds(settings.seeds_dir)
    snapshot = snapshot_prices(settings, seed_frames["indexes"])
    articles_module.read_all(settings.seeds_dir)
    outcome.source_used = "snapshot"
    _write(settings, outcome, "load-seeds", seed_frames=seed_frames,
           prices=[("snapshot", snapshot)])
    return outcome


def check(settings: Settings, *, record: bool = True, article: str | None = None) -> Outcome:
    """Integrity checks, claim ledgers and GX suites on the published warehouse.

    Every article's ledger is checked, or only ``article``'s. With ``record`` the verdicts go
    into ``claim_results`` through a build-and-publish (so an analyst's open connection is never
    in the way); without, the warehouse is only read.
    """
    outcome = Outcome(new_run_id(), settings.warehouse)
    ledger = articles_module.read_all(settings.seeds_dir, only=article)
    if record:
        warehouse.check_target(settings.warehouse)
        if not settings.warehouse.exists():
            raise PipelineError(f"no warehouse at {settings.warehouse}; build it with "
                                "`hkpipe run`")
        with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                             migrated=outcome.migrated) as con:
            calendar.sync(con)
            _evaluate(con, settings, outcome, "check", ledger, record=True)
    else:
        con = _open_current(settings)
        try:
            _evaluate(con, settings, outcome, "check", ledger, record=False)
        finally:
            con.close()
    return outcome


def _missing_data_notes(registry: pd.DataFrame, loaded: set[str]) -> list[str]:
    return [f"{r.symbol} ({r.name}): no data loaded. {r.data_source}"
            for r in registry.itertuples(index=False) if r.symbol not in loaded]


def freshness(con, settings: Settings) -> list[CheckResult]:
    """Per symbol: the last stored session against the last completed XHKG session.

    Data whose latest row came from Yahoo must reach the last completed session; bundled or
    imported data is reported with its as-of date.
    """
    now = settings.clock().tz_localize(None).to_pydatetime()
    out = []
    for symbol, last, source, expected, behind in con.execute(
            sqlfiles.query("quality/freshness"), {"now": now}).fetchall():
        if source == "yahoo":
            ok = behind == 0
            detail = (f"last stored session {last} (yahoo); last completed XHKG session "
                      f"{expected}" + ("" if ok else f": {behind} session(s) behind, STALE"))
        else:
            ok = True
            detail = (f"as of {last} ({source}); last completed XHKG session {expected}, "
                      f"not expected from this source")
        out.append(CheckResult(f"freshness:{symbol}", ok, detail))
    return out


def report(settings: Settings, out_dir: Path, *, data_docs: bool = True):
    """Write the Markdown/HTML report with charts (and GX Data Docs) from the published data."""
    from . import report as report_module

    outcome = check(settings, record=False)
    con = _open_current(settings)
    try:
        return outcome, report_module.build(con, outcome.articles, outcome.claims,
                                            outcome.checks, out_dir, data_docs=data_docs)
    finally:
        con.close()


def _open_current(settings: Settings):
    """A read-only connection to a warehouse at exactly this code's schema version."""
    from . import migrations

    con = warehouse.connect_read_only(settings.warehouse)
    try:
        migrations.require_current(con, settings.warehouse)
    except BaseException:
        con.close()
        raise
    return con


def status(settings: Settings):
    """The warehouse's schema version, pending migrations, as-of dates and last runs; read only."""
    from . import status as status_module

    return status_module.read(settings.warehouse)


def migrate(settings: Settings, *, dry_run: bool = False) -> tuple[object, Outcome]:
    """Apply pending migrations in one build and publish it; nothing else changes. With
    ``dry_run``, or when nothing is pending, the warehouse is only read."""
    from . import migrations

    outcome = Outcome(new_run_id(), settings.warehouse)
    before = status(settings)
    if not before.exists:
        raise PipelineError(f"no warehouse at {settings.warehouse}; build it with `hkpipe run`")
    migrations.verify(before.schema, settings.warehouse)
    if dry_run or not before.schema.pending:
        return before, outcome
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                         migrated=outcome.migrated):
        pass
    return status(settings), outcome
