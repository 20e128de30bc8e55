"""Use cases: run, refresh, load_seeds, import_prices, check, report, status, migrate. The CLI and
flows call these.

Every job reads and validates all its input first, then changes the warehouse in one build that
is published atomically (see ``warehouse.build``), so bad input or a failure changes nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import articles as articles_module
from . import calendar, load, seeds, sqlfiles, warehouse
from . import stocks as stock_prices
from .checks import CheckResult, claims, integrity, quality
from .checks import sources as source_checks
from .errors import InputError, PipelineError
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
    universe: object = None  # a universe refresh's UniverseResult (coverage, failures)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not any(c.changed for c in self.claims)


class IntegrityFailure(PipelineError):
    """The build broke an integrity rule; it was not published."""

    def __init__(self, failed: list[CheckResult]):
        self.failed = failed
        super().__init__("not published, integrity checks failed: "
                         + "; ".join(f"{c.name}: {c.detail}" for c in failed))


def read_seeds(seeds_dir: Path, *, today: date | None = None) -> dict[str, pd.DataFrame]:
    """Validate every seed file (no date after ``today``); table name -> frame ready to load."""
    frames = {spec.table: seeds.read_seed(seeds_dir, spec, today=today) for spec in seeds.SEEDS}
    seeds.check_offers_listed(seeds_dir, frames)
    return frames


def snapshot_prices(settings: Settings, registry: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from .sources import snapshot

    return snapshot.fetch(settings.seeds_dir, registry, today=settings.today())


def stored_last_dates(settings: Settings) -> dict[str, date]:
    from . import migrations

    if not settings.warehouse.exists():
        return {}
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        state = migrations.read_state(con)
        migrations.verify(state, settings.warehouse)  # before fetching anything
        if not (state.applied or state.legacy):
            return {}  # an empty file: nothing stored yet
        return dict(con.execute(sqlfiles.query("load/last_stored")).fetchall())
    finally:
        con.close()


def fetch_live(settings: Settings, registry: pd.DataFrame, source: str = "live", *,
               full: bool = False, known_last: dict[str, date] | None = None
               ) -> tuple[dict[str, dict[str, pd.DataFrame]], list[str]]:
    """Fetch ``source`` (``yahoo``, ``hkex`` or ``live`` for both) for every registered index
    it serves: source -> symbol -> frame, plus notes. All or nothing, except that a source
    may fail where another served every session it was asked for (``live.settle``)."""
    from . import live

    last = stored_last_dates(settings)
    for symbol, day in (known_last or {}).items():
        last[symbol] = max(day, last.get(symbol, day))
    plans, notes = live.plan(settings, registry, live.expand(source), last=last, full=full)
    served, fetched = live.fetch_all(settings, plans)
    return served, notes + fetched


def _assert_integrity(con) -> list[CheckResult]:
    results = integrity.run(con)
    failed = [r for r in results if not r.ok]
    if failed:
        raise IntegrityFailure(failed)
    return results


def _write(settings: Settings, outcome: Outcome, command: str, *,
           seed_frames: dict[str, pd.DataFrame] | None = None,
           prices: list[tuple[str, dict[str, pd.DataFrame]]] = (),
           stocks: bool = False, evaluate: bool = False, universe=None) -> None:
    """One build: replace seeds, load the bundled stock prices (``stocks``), upsert each
    (source, frames) in order, store a universe refresh's stocks and failures (``universe``,
    a ``universe.UniverseResult``), check, publish."""
    ledger = articles_module.read_all(settings.seeds_dir) if evaluate else None
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                         migrated=outcome.migrated) as con:
        calendar.sync(con, settings.clock())
        for table, frame in (seed_frames or {}).items():
            outcome.seeds[table] = load.replace_seed(con, table, seeds.frame_for_table(frame))
        if stocks:
            stock_loads, results = stock_prices.load_bundled(
                con, settings.seeds_dir, today=settings.today(), run_id=outcome.run_id,
                command=command)
            outcome.notes += [s.describe() for s in stock_loads]
            outcome.loads += results
        for source, frames in prices:
            if frames:
                batch = pd.concat(frames.values(), ignore_index=True)
                outcome.loads += load.upsert_prices(con, batch, source=source,
                                                    run_id=outcome.run_id, command=command)
        if universe is not None:
            from . import universe as universe_module

            outcome.loads += universe_module.store(con, universe, run_id=outcome.run_id,
                                                   command=command)
        outcome.checks = _assert_integrity(con)
        if ledger is not None:
            _evaluate(con, settings, outcome, command, ledger, record=True)


def _evaluate(con, settings: Settings, outcome: Outcome, command: str,
              ledger: list[articles_module.Article], *, record: bool) -> None:
    """Claims, freshness and data-quality suites on ``con``; with ``record``, store them in it.

    Stored suite results are looked up first, so GX (slow to import) is imported in the
    background only when a batch changed, while the claims are computed.
    """
    validation = quality.Validation(con, quality.table_batches(settings.today())).start()
    if not outcome.checks:
        outcome.checks = integrity.run(con)
    outcome.checks += freshness(con, settings)
    outcome.checks += stock_freshness(con, settings)
    outcome.checks += source_checks.reconcile(con) + source_checks.coverage(con)
    outcome.checks += source_checks.reconcile_stocks(con)
    outcome.as_of = dict(con.execute(sqlfiles.query("load/last_stored")).fetchall())
    outcome.articles = ledger
    checked = articles_module.all_claims(ledger)
    outcome.claims = claims.evaluate(con, checked)
    rows = [r.as_dict() for r in outcome.claims]
    validation.add(quality.claim_results_batch(rows, [c.key for c in checked]))
    outcome.checks += validation.finish(store=record)
    if record:
        checked_at = load.utc_now()  # wall clock: when this check really ran (see utc_now)
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

    ``source``: ``snapshot`` (bundled data only); ``yahoo``, ``hkex`` or ``live`` (both): the
    snapshot, then that source from where the data ends, failing if it fails; ``auto``: the
    live sources when reachable, else the snapshot (a DNS or connection failure means
    unreachable; a rate limit, an empty or refused answer is an error).
    """
    from .errors import SourceError

    outcome = Outcome(new_run_id(), settings.warehouse)
    if not settings.warehouse.exists():
        quality.preload_gx()  # a new warehouse has nothing validated yet: overlap the import
    seed_frames = read_seeds(settings.seeds_dir, today=settings.today())
    registry = seed_frames["indexes"]
    snapshot = snapshot_prices(settings, registry)
    prices = [("snapshot", snapshot)]
    if source != "snapshot":
        known = {s: f["trade_date"].max().date() for s, f in snapshot.items()}
        try:
            served, notes = fetch_live(settings, registry, "live" if source == "auto"
                                       else source, known_last=known)
            prices += list(served.items())
            outcome.notes += notes
            outcome.source_used = " + ".join(served) or "snapshot"
        except SourceError as exc:
            if source != "auto" or exc.kind != "unreachable":
                raise
            outcome.notes.append(f"a live source is unreachable ({exc}); USING THE BUNDLED "
                                 "SNAPSHOT")
            outcome.source_used = "snapshot"
    else:
        outcome.source_used = "snapshot"
    _write(settings, outcome, "run", seed_frames=seed_frames, prices=prices, stocks=True,
           evaluate=True)
    outcome.notes += _missing_data_notes(registry, {s for _, f in prices for s in f})
    return outcome


def refresh(settings: Settings, *, source: str = "snapshot", full: bool = False) -> Outcome:
    """Load prices from ``source`` (``snapshot``, ``yahoo``, ``hkex`` or ``live`` for every
    live source) for every registered index it serves; publish all or nothing.

    Live refreshes are incremental (Yahoo is asked from a few sessions before the last stored
    day to the last completed session) unless ``full``; HKEX answers with its whole history,
    all of which is kept.
    """
    from .sources import LIVE

    outcome = Outcome(new_run_id(), settings.warehouse)
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES, today=settings.today())
    if source in LIVE or source == "live":
        served, notes = fetch_live(settings, registry, source, full=full)
        outcome.notes += notes
        prices = list(served.items())
    elif source == "snapshot":
        prices = [("snapshot", snapshot_prices(settings, registry))]
    else:
        raise PipelineError(f"unknown source {source!r}")
    outcome.source_used = source
    _write(settings, outcome, "refresh", prices=prices)
    if source == "snapshot":
        outcome.notes += _missing_data_notes(registry, set(prices[0][1]))
    return outcome


def plan_universe(settings: Settings, source: str = "live", *, full: bool = False) -> list:
    """What a universe refresh of ``source`` (``yahoo``, ``hkex`` or ``live``) asks for: one
    ``universe.StockPlan`` per currently listed curated stock and source."""
    from . import live
    from . import universe as universe_module
    from .sources import LIVE

    if source not in LIVE and source != "live":
        raise PipelineError(f"--universe listings needs a live source (live, hkex, yahoo), "
                            f"not {source!r}: the bundled stock prices load with `run` and "
                            "`load-seeds`")
    sources = live.expand(source)
    recent = universe_module.stored_recent(settings, sources)
    return universe_module.plan(settings, universe_module.listed(settings), sources,
                                last=universe_module.last_days(recent), factors=recent,
                                full=full)


def publish_universe(settings: Settings, outcome: Outcome, result, *, command: str) -> Outcome:
    """Store a universe fetch (``universe.UniverseResult``): its stocks and its failures
    (``load_failures``) in one build, published, while the failed share is within
    ``settings.max_stock_failures``; above it ``universe.TooManyStockFailures`` is raised and
    nothing is published."""
    from . import universe as universe_module

    outcome.universe = result
    if result.failed_share > settings.max_stock_failures:
        raise universe_module.TooManyStockFailures(result, settings.max_stock_failures)
    outcome.notes += result.notes()
    _write(settings, outcome, command, universe=result)
    return outcome


def refresh_universe(settings: Settings, *, source: str = "live", full: bool = False,
                     workers: int | None = None) -> Outcome:
    """Refresh every currently listed curated stock from ``source`` (``yahoo``, ``hkex`` or
    ``live`` for both) into ``stock_prices``, incrementally per listing and source.

    A stock that cannot be fetched (unknown, 404, empty, suspended, bad data, failing after
    retries) is recorded in ``load_failures`` with its reason and does not block the others,
    while the failed share stays within ``settings.max_stock_failures``; above it
    ``universe.TooManyStockFailures`` is raised and nothing is published.
    """
    from . import universe as universe_module

    plans = plan_universe(settings, source, full=full)
    outcome = Outcome(new_run_id(), settings.warehouse, source_used=source)
    result = universe_module.fetch_universe(settings, plans, workers=workers)
    return publish_universe(settings, outcome, result, command="refresh --universe listings")


def publish_prices(settings: Settings, outcome: Outcome,
                   prices: list[tuple[str, dict[str, pd.DataFrame]]], *, command: str,
                   evaluate: bool = False, universe=None) -> Outcome:
    """Store already-fetched frames, [(source, {symbol: frame})], in one build and publish.
    With ``evaluate`` the same build also runs the claim ledger, freshness and the data-quality
    suites and records the verdicts in ``claim_results`` (under ``outcome.run_id``), so a
    refresh loads, checks and publishes once; a failed check is in ``outcome`` (the data is
    published all the same, as by ``run``). An evaluated first build (no warehouse yet) loads
    the curated seed tables and the bundled stock prices too, as ``run`` would, so the claims
    and the IPO views have their data. ``universe`` (a ``universe.UniverseResult`` already
    within the failure limit) is stored by the same build, so its checks see the stocks.
    """
    seed_frames = None
    first = evaluate and not settings.warehouse.exists()
    if first:
        seed_frames = read_seeds(settings.seeds_dir, today=settings.today())
    if universe is not None:
        outcome.universe = universe
        outcome.notes += universe.notes()
    _write(settings, outcome, command, seed_frames=seed_frames, prices=prices, stocks=first,
           evaluate=evaluate, universe=universe)
    return outcome


SYMBOL_PATTERN = r"[A-Za-z0-9^][A-Za-z0-9^.=_-]{0,19}"


def import_prices(settings: Settings, symbol: str, path: Path) -> Outcome:
    """Load an analyst's CSV export for ``symbol`` through the same validation and upsert.

    The symbol must be registered in seeds/indexes.csv, and every date an XHKG session (or a
    documented extra session): both are refused, exit 2, before anything is written."""
    import re

    from .errors import InputError
    from .prices import check_trading_days, read_price_csv

    if not re.fullmatch(SYMBOL_PATTERN, symbol):
        raise InputError(None, f"symbol {symbol!r} is not valid: 1-20 letters, digits or "
                         "^ . = _ -", field="--symbol")
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES, today=settings.today())
    if symbol not in set(registry["symbol"]):
        # an unregistered series would have no name, no source and no checks: an orphan
        raise InputError(settings.seeds_dir / seeds.INDEXES.file,
                         f"symbol {symbol!r} is not in the index registry (registered: "
                         f"{', '.join(sorted(registry['symbol']))}); add a row for it first",
                         field="symbol")
    frame = read_price_csv(path, symbol, today=settings.today())
    check_trading_days(frame, path, calendar.trading_days(symbol, settings.clock()))
    outcome = Outcome(new_run_id(), settings.warehouse)
    outcome.source_used = f"import:{Path(path).name}"
    publish_prices(settings, outcome, [(outcome.source_used, {symbol: frame})],
                   command="import-prices")
    return outcome


def load_seeds(settings: Settings) -> Outcome:
    """Validate everything in the seeds folder (tables, snapshot price files, every article's
    metadata and claim ledger) and load the tables and the snapshot prices; the whole set or
    nothing."""
    outcome = Outcome(new_run_id(), settings.warehouse)
    seed_frames = read_seeds(settings.seeds_dir, today=settings.today())
    snapshot = snapshot_prices(settings, seed_frames["indexes"])
    articles_module.read_all(settings.seeds_dir)
    outcome.source_used = "snapshot"
    _write(settings, outcome, "load-seeds", seed_frames=seed_frames,
           prices=[("snapshot", snapshot)], stocks=True)
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
            calendar.sync(con, settings.clock())
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

    Data whose latest row came from a live source (Yahoo, HKEX) must reach the last completed
    session; bundled or imported data is reported with its as-of date.
    """
    from .sources import LIVE

    now = settings.clock().tz_localize(None).to_pydatetime()
    out = []
    for symbol, last, source, expected, behind in con.execute(
            sqlfiles.query("quality/freshness"), {"now": now}).fetchall():
        if source in LIVE:
            ok = behind == 0
            detail = (f"last stored session {last} ({source}); last completed XHKG session "
                      f"{expected}" + ("" if ok else f": {behind} session(s) behind, STALE"))
        else:
            ok = True
            detail = (f"as of {last} ({source}); last completed XHKG session {expected}, "
                      f"not expected from this source")
        out.append(CheckResult(f"freshness:{symbol}", ok, detail))
    return out


def stock_freshness(con, settings: Settings) -> list[CheckResult]:
    """``freshness:stocks``: the listed universe against the last completed session."""
    from .checks import freshness as freshness_checks
    from .sources import LIVE

    now = settings.clock().tz_localize(None).to_pydatetime()
    return freshness_checks.stocks(con, now, sorted(LIVE))


def report(settings: Settings, out_dir: Path, *, data_docs: bool = True):
    """Write the Markdown/HTML report with charts (and GX Data Docs) from the published data,
    checking it afresh without recording (``hkpipe report``)."""
    from . import report as report_module

    writable_folder(out_dir)  # before the checks: a bad --out fails at once
    outcome = check(settings, record=False)
    con = _open_current(settings)
    try:
        return outcome, report_module.build(con, outcome.articles, outcome.claims,
                                            outcome.checks, out_dir, data_docs=data_docs)
    finally:
        con.close()


def writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure files can be written in it; InputError
    (exit 2) naming it when it is a file, or cannot be created or written."""
    import errno
    import tempfile

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "is a file, not a folder; --out names the folder the report "
                         "is written into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".hkpipe-probe-"):
            pass
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise  # a full disk is not bad input: exit 3 (cli)
        raise InputError(folder, f"cannot write the report here: {exc.strerror or exc}; choose "
                         "a writable --out folder") from None


def report_recorded(settings: Settings, out_dir: Path, run_id: str, checks: list[CheckResult],
                    *, data_docs: bool = True):
    """Write the report of a run that was already checked and recorded: its claim verdicts
    are read from ``claim_results`` and its ``checks`` are as that run found them, so nothing
    is evaluated again (the daily flow's report)."""
    from dataclasses import replace

    from . import report as report_module

    writable_folder(out_dir)
    articles = articles_module.read_all(settings.seeds_dir)
    ledger = {c.key: c for c in articles_module.all_claims(articles)}
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        # the recorded verdicts, beside the ledger rows they were judged by (for the report's
        # passages, readings and notes)
        recorded = [replace(r, claim=ledger.get(r.claim.key, r.claim))
                    for r in recorded_claims(con, run_id)]
        outcome = Outcome(run_id, settings.warehouse, checks=list(checks), claims=recorded,
                          articles=articles)
        if not outcome.claims:
            raise PipelineError(f"run {run_id} recorded no claim verdicts in "
                                f"{settings.warehouse}; nothing to report")
        return outcome, report_module.build(con, articles, outcome.claims, outcome.checks,
                                            out_dir, data_docs=data_docs)
    finally:
        con.close()


def recorded_claims(con, run_id: str) -> list[claims.ClaimResult]:
    """The claim verdicts ``run_id`` recorded in ``claim_results``, as ClaimResults."""
    rows = con.execute(sqlfiles.query("report/claim_results_of_run"), {"run_id": run_id})
    names = [d[0] for d in rows.description]
    return [claims.recorded_result(dict(zip(names, row, strict=True)))
            for row in rows.fetchall()]


def _open_current(settings: Settings):
    """A read-only connection to a whole warehouse (``warehouse.verify_whole``) at exactly
    this code's schema version."""
    from . import migrations

    con = warehouse.connect_read_only(settings.warehouse, verify=True)
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
    ``dry_run`` they are tried on a private copy that is then discarded."""
    from . import migrations

    outcome = Outcome(new_run_id(), settings.warehouse)
    before = status(settings)
    if not before.exists:
        raise PipelineError(f"no warehouse at {settings.warehouse}; build it with `hkpipe run`")
    migrations.verify(before.schema, settings.warehouse)
    if not before.schema.pending:
        return before, outcome
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                         migrated=outcome.migrated, publish=not dry_run):
        pass
    return (before if dry_run else status(settings)), outcome
