"""Use cases: run, refresh, load_seeds, import_prices, check, report, status, migrate. The CLI and
flows call these, and the steps they compose: ``plan_indexes`` / ``plan_universe`` (what to
fetch), ``fetch`` (one batch of plans), ``settle_indexes`` / ``settle_universe`` (what a run
keeps), ``publish_prices`` (store, check, publish) and ``report_recorded``. This module holds no
SQL and no threads: those live in ``warehouse`` and ``ingest``.

Every job reads and validates all its input first, then changes the warehouse in one build that
is published atomically (see ``warehouse.build``), so bad input or a failure changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import articles as articles_module
from . import calendar, seeds, sources, warehouse
from .checks import CheckResult, claims, freshness, integrity, quality, sweeps
from .checks import listings as listing_checks
from .checks import sources as source_checks
from .errors import InputError, PipelineError
from .ingest import fetch as ingest_fetch
from .ingest import plan as ingest_plan
from .ingest import settle as ingest_settle
from .settings import Settings, utc_now
from .warehouse import discovery, reads, writes
from .warehouse import stocks as stock_prices


def new_run_id() -> str:
    return f"{utc_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class Outcome:
    """What a job did, for the CLI to print and the flows to log."""

    run_id: str
    warehouse: Path
    loads: list[writes.LoadResult] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    claims: list[claims.ClaimResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source_used: str = ""
    as_of: dict[str, date] = field(default_factory=dict)
    migrated: list = field(default_factory=list)  # migrations this run applied
    articles: list = field(default_factory=list)  # the articles (ledgers) checked
    universe: object = None  # a universe refresh's UniverseResult (coverage, failures)
    discovery: object = None  # a listings refresh's warehouse.discovery.DiscoveryResult
    sweeps: list = field(default_factory=list)  # checks.sweeps.Sweep per claim checked

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
    return seeds.read_all(seeds_dir, today=today)


def snapshot_prices(settings: Settings, registry: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from .sources import snapshot

    return snapshot.fetch(settings.seeds_dir, registry, today=settings.today())


def read_registry(settings: Settings) -> pd.DataFrame:
    """The index registry (seeds/indexes.csv), validated."""
    return seeds.read_seed(settings.seeds_dir, seeds.INDEXES, today=settings.today())


def plan_indexes(settings: Settings, source: str = "live", *, full: bool = False,
                 registry: pd.DataFrame | None = None,
                 known_last: dict[str, date] | None = None, start: date | None = None,
                 end: date | None = None) -> tuple[list[ingest_plan.FetchPlan], list[str]]:
    """What an index refresh of ``source`` (a live source, or ``live`` for every one) asks
    for, and notes on indexes a source has no symbol for. ``known_last`` adds last days not
    stored yet (the snapshot a run loads with them); ``start`` / ``end`` override the window
    (a backfill)."""
    from dataclasses import replace

    registry = read_registry(settings) if registry is None else registry
    last = reads.last_stored(settings.warehouse)
    for symbol, day in (known_last or {}).items():
        last[symbol] = max(day, last.get(symbol, day))
    plans, notes = ingest_plan.indexes(settings, registry, _live(source, "indexes"),
                                       last=last, full=full)
    if start or end:
        plans = [replace(p, start=start or p.start, end=end or p.end) for p in plans]
    return plans, notes


def fetch(settings: Settings, plans: list[ingest_plan.FetchPlan], *, workers: int | None = None,
          limiters: dict | None = None, tokens: dict | None = None,
          progress=None) -> ingest_fetch.Batch:
    """Fetch ``plans`` concurrently under each source's rate limit and the one retry rule; a
    failed plan is recorded in the batch, never raised (``ingest.fetch.fetch_all``). Stock
    plans stop early once the failure limit can no longer be met (``ingest.settle.
    hopeless``): the plans left fail with that reason. ``progress(done, total)`` is called
    after each plan (the CLI's progress display)."""
    stocks = [p for p in plans if p.kind == "stocks"]
    give_up = (ingest_settle.hopeless(stocks, settings.max_stock_failures) if stocks
               else None)
    return ingest_fetch.fetch_all(settings, plans, workers=workers, limiters=limiters,
                                  tokens=tokens, give_up=give_up, progress=progress)


def settle_indexes(batch: ingest_fetch.Batch
                   ) -> tuple[list[tuple[str, dict[str, pd.DataFrame]]], list[str]]:
    """The index frames to store, [(source, {symbol: frame})], and notes; raises a failure
    the run cannot tolerate (``ingest.settle.indexes``)."""
    return ingest_settle.indexes(batch)


def settle_universe(settings: Settings, batch: ingest_fetch.Batch,
                    plans: list[ingest_plan.FetchPlan]) -> ingest_settle.UniverseResult:
    """A universe fetch as its stocks and failures; raises ``TooManyStockFailures`` (nothing
    is to be published) when more stocks failed than ``settings.max_stock_failures``."""
    result = ingest_settle.stocks(batch, plans)
    ingest_settle.gate(result, settings.max_stock_failures)
    return result


def _live(source: str, kind: str) -> tuple[str, ...]:
    try:
        return sources.expand(source, kind)
    except KeyError as exc:
        raise PipelineError(str(exc.args[0])) from None


def fetch_live(settings: Settings, registry: pd.DataFrame, source: str = "live", *,
               full: bool = False, known_last: dict[str, date] | None = None
               ) -> tuple[list[tuple[str, dict[str, pd.DataFrame]]], list[str]]:
    """Plan, fetch and settle ``source`` (a live source, or ``live`` for every one) for every
    registered index it serves: [(source, {symbol: frame})], plus notes. All or nothing,
    except that a source may fail where another served every session it was asked for."""
    plans, notes = plan_indexes(settings, source, full=full, registry=registry,
                                known_last=known_last)
    prices, settled = settle_indexes(fetch(settings, plans))
    return prices, notes + settled


def _assert_integrity(con) -> list[CheckResult]:
    results = integrity.run(con)
    failed = [r for r in results if not r.ok]
    if failed:
        raise IntegrityFailure(failed)
    return results


def _write(settings: Settings, outcome: Outcome, command: str, *,
           seed_frames: dict[str, pd.DataFrame] | None = None,
           prices: list[tuple[str, dict[str, pd.DataFrame]]] = (),
           stocks: bool = False, evaluate: bool = False, universe=None,
           securities=None, preload_gx: bool = False) -> None:
    """One build: replace seeds, load the bundled stock prices (``stocks``), store a List of
    Securities and raise its candidates (``securities``: (SecuritiesList, url)), upsert each
    (source, frames) in order, store a universe refresh's stocks and failures (``universe``,
    a ``universe.UniverseResult``), check, publish. ``preload_gx``: start importing GX in the
    background as the stock load starts."""
    ledger = articles_module.read_all(settings.seeds_dir) if evaluate else None
    with warehouse.build(settings.warehouse, lock_timeout=settings.lock_timeout,
                         migrated=outcome.migrated) as con:
        calendar.sync(con, settings.clock())
        for table, frame in (seed_frames or {}).items():
            outcome.seeds[table] = writes.replace_seed(con, table, seeds.frame_for_table(frame))
        if preload_gx:
            # Here, not before the build: GX's import holds the GIL for most of its 3-4 s, and
            # each of the schema's ~450 short statements then waits up to a switch interval
            # (5 ms) for it (cold run 9.5 s -> 8 s); the stock load's long statements release it.
            quality.preload_gx()
        if stocks:
            stock_loads, results = stock_prices.load_bundled(
                con, settings.seeds_dir, today=settings.today(), run_id=outcome.run_id,
                command=command)
            outcome.notes += [s.describe() for s in stock_loads]
            outcome.loads += results
        if securities is not None:
            outcome.discovery = discovery.store_list(con, securities[0], url=securities[1],
                                                     run_id=outcome.run_id)
            outcome.notes += outcome.discovery.notes()
        for source, frames in prices:
            if frames:
                batch = pd.concat(frames.values(), ignore_index=True)
                outcome.loads += writes.upsert_prices(con, batch, source=source,
                                                      run_id=outcome.run_id, command=command)
        if universe is not None:
            outcome.loads += writes.store_stocks(con, universe, run_id=outcome.run_id,
                                                 command=command)
        outcome.checks = _assert_integrity(con)
        if ledger is not None:
            _evaluate(con, settings, outcome, command, ledger, record=True)


def _evaluate(con, settings: Settings, outcome: Outcome, command: str,
              ledger: list[articles_module.Article], *, record: bool,
              sweep: bool = True) -> None:
    """Claims (with their margins and, with ``sweep``, the variants their ledgers declare),
    freshness and data-quality suites on ``con``; with ``record``, store them in it.

    Stored suite results are looked up first, so GX (slow to import) is imported in the
    background only when a batch changed, while the claims are computed.
    """
    validation = quality.Validation(con, quality.table_batches(settings.today())).start()
    if not outcome.checks:
        outcome.checks = integrity.run(con)
    now = settings.clock().tz_localize(None).to_pydatetime()
    outcome.checks += freshness.indexes(con, now, sources.live("indexes"))
    outcome.checks += freshness.stocks(con, now, sorted(sources.live("stocks")))
    outcome.checks += source_checks.reconcile(con) + source_checks.coverage(con)
    outcome.checks += source_checks.reconcile_stocks(con)
    outcome.checks += listing_checks.candidates(con)
    outcome.as_of = reads.as_of(con)
    outcome.articles = ledger
    checked = articles_module.all_claims(ledger)
    outcome.claims = claims.evaluate(con, checked)
    outcome.sweeps = sweeps.sweep(con, outcome.claims, variants=sweep)
    rows = [r.as_dict() for r in outcome.claims]
    validation.add(quality.claim_results_batch(rows, [c.key for c in checked]))
    outcome.checks += validation.finish(store=record)
    if record:
        writes.record_claims(con, rows, run_id=outcome.run_id, command=command)
        writes.record_sweeps(con, outcome.sweeps, run_id=outcome.run_id)


def run(settings: Settings, *, source: str = "auto") -> Outcome:
    """The main job: load seeds and prices, check everything, record, publish once.

    ``source``: ``snapshot`` (bundled data only); ``yahoo``, ``hkex`` or ``live`` (both): the
    snapshot, then that source from where the data ends, failing if it fails; ``auto``: the
    live sources when reachable, else the snapshot (a DNS or connection failure means
    unreachable; a rate limit, an empty or refused answer is an error).
    """
    from .errors import SourceError

    outcome = Outcome(new_run_id(), settings.warehouse)
    fresh = not settings.warehouse.exists()  # nothing validated yet: GX will be needed
    seed_frames = read_seeds(settings.seeds_dir, today=settings.today())
    registry = seed_frames["indexes"]
    snapshot = snapshot_prices(settings, registry)
    prices = [("snapshot", snapshot)]
    if source != "snapshot":
        known = {s: f["trade_date"].max().date() for s, f in snapshot.items()}
        try:
            served, notes = fetch_live(settings, registry, "live" if source == "auto"
                                       else source, known_last=known)
            prices += served
            outcome.notes += notes
            outcome.source_used = " + ".join(name for name, _ in served) or "snapshot"
        except SourceError as exc:
            if source != "auto" or exc.kind != "unreachable":
                raise
            outcome.notes.append(f"a live source is unreachable ({exc}); USING THE BUNDLED "
                                 "SNAPSHOT")
            outcome.source_used = "snapshot"
    else:
        outcome.source_used = "snapshot"
    _write(settings, outcome, "run", seed_frames=seed_frames, prices=prices, stocks=True,
           evaluate=True, preload_gx=fresh)
    outcome.notes += _missing_data_notes(registry, {s for _, f in prices for s in f})
    return outcome


def refresh(settings: Settings, *, source: str = "snapshot", full: bool = False) -> Outcome:
    """Load prices from ``source`` (``snapshot``, ``yahoo``, ``hkex`` or ``live`` for every
    live source) for every registered index it serves; publish all or nothing.

    Live refreshes are incremental (Yahoo is asked from a few sessions before the last stored
    day to the last completed session) unless ``full``; HKEX answers with its whole history,
    all of which is kept.
    """
    outcome = Outcome(new_run_id(), settings.warehouse)
    registry = read_registry(settings)
    if source in sources.live("indexes") or source == "live":
        prices, notes = fetch_live(settings, registry, source, full=full)
        outcome.notes += notes
    elif source == "snapshot":
        prices = [("snapshot", snapshot_prices(settings, registry))]
    else:
        raise PipelineError(f"unknown source {source!r}")
    outcome.source_used = source
    _write(settings, outcome, "refresh", prices=prices)
    if source == "snapshot":
        outcome.notes += _missing_data_notes(registry, set(prices[0][1]))
    return outcome


def plan_universe(settings: Settings, source: str = "live", *, full: bool = False
                  ) -> list[ingest_plan.FetchPlan]:
    """What a universe refresh of ``source`` (a live source, or ``live``) asks for: one plan
    per source and currently listed curated stock, or candidate listing awaiting review
    (``refresh_listings``), so a new listing's prices are taken from its first session."""
    if source not in sources.live("stocks") and source != "live":
        raise InputError(None, f"--universe listings needs a live source "
                         f"({', '.join(sources.choices(kind='stocks'))}), not {source!r}: the "
                         "bundled stock prices load with `hkpipe run` or `hkpipe load-seeds`",
                         field="--source")
    names = sources.expand(source, "stocks")
    recent = reads.recent_stock_days(settings.warehouse, names, ingest_plan.REVISION_SESSIONS)
    listings = pd.concat([ingest_plan.listed(settings),
                          reads.candidate_listings(settings.warehouse)], ignore_index=True)
    listings["candidate"] = listings["candidate"].eq(True)  # NaN for the curated rows
    return ingest_plan.stocks(settings, listings, names,
                              last=reads.last_stock_days(recent), factors=recent, full=full)


def refresh_universe(settings: Settings, *, source: str = "live", full: bool = False,
                     workers: int | None = None, progress=None) -> Outcome:
    """Refresh every currently listed curated stock from ``source`` (a live source, or
    ``live`` for every one) into ``stock_prices``, incrementally per listing and source.

    A stock that cannot be fetched (unknown, 404, empty, suspended, bad data, failing after
    retries) is recorded in ``load_failures`` with its reason and does not block the others,
    while the failed share stays within ``settings.max_stock_failures``; above it
    ``TooManyStockFailures`` is raised and nothing is published. ``progress(done, total)``
    follows the fetch.
    """
    plans = plan_universe(settings, source, full=full)
    outcome = Outcome(new_run_id(), settings.warehouse, source_used=source)
    result = settle_universe(settings, fetch(settings, plans, workers=workers,
                                             progress=progress), plans)
    outcome.universe = result
    outcome.notes += result.notes()
    _write(settings, outcome, "refresh --universe listings", universe=result)
    return outcome


def fetch_listings(settings: Settings):
    """Today's HKEX List of Securities, with the listings source's retries: (list, url)."""
    source = sources.get("hkex_list")
    config = settings.source(source.name)
    listing = ingest_fetch.with_retries(lambda: source.fetch(config, today=settings.today()),
                                        attempts=config.attempts)
    return listing, config.options["url"]


def refresh_listings(settings: Settings) -> Outcome:
    """Fetch HKEX's List of Securities, store it and raise the candidate listings and
    delistings it shows against the curated seeds (``listing_candidates``); publish all or
    nothing. A list that fails (malformed, rejected, empty, unreachable) changes nothing."""
    if not settings.warehouse.exists():
        raise PipelineError(f"no warehouse at {settings.warehouse}; build it with `hkpipe run` "
                            "first (the candidates are found against its seed tables)")
    return store_listings(settings, fetch_listings(settings))


def store_listings(settings: Settings, securities, *, command: str = "refresh --listings"
                   ) -> Outcome:
    """Store a fetched List of Securities (``fetch_listings``) and its candidates in one build
    and publish; the daily flow does this before it plans the listed universe, so a candidate
    first seen today has its prices fetched in the same run."""
    outcome = Outcome(new_run_id(), settings.warehouse, source_used="hkex_list")
    _write(settings, outcome, command, securities=securities)
    return outcome


def publish_prices(settings: Settings, outcome: Outcome,
                   prices: list[tuple[str, dict[str, pd.DataFrame]]], *, command: str,
                   evaluate: bool = False, universe=None, securities=None) -> Outcome:
    """Store already-fetched frames, [(source, {symbol: frame})], in one build and publish.
    With ``evaluate`` the same build also runs the claim ledger, freshness and the data-quality
    suites and records the verdicts in ``claim_results`` (under ``outcome.run_id``), so a
    refresh loads, checks and publishes once; a failed check is in ``outcome`` (the data is
    published all the same, as by ``run``). An evaluated first build (no warehouse yet) loads
    the curated seed tables and the bundled stock prices too, as ``run`` would, so the claims
    and the IPO views have their data. ``universe`` (a ``universe.UniverseResult`` already
    within the failure limit: ``settle_universe``) is stored by the same build, so its checks
    see the stocks; so is ``securities`` (``fetch_listings``: a List of Securities, whose new
    candidates have their prices fetched by the next universe refresh, from their first
    session).
    """
    seed_frames = None
    first = evaluate and not settings.warehouse.exists()
    if first:
        seed_frames = read_seeds(settings.seeds_dir, today=settings.today())
    if universe is not None:
        outcome.universe = universe
        outcome.notes += universe.notes()
    _write(settings, outcome, command, seed_frames=seed_frames, prices=prices, stocks=first,
           evaluate=evaluate, universe=universe, securities=securities)
    return outcome


SYMBOL_PATTERN = r"[A-Za-z0-9^][A-Za-z0-9^.=_-]{0,19}"


def import_prices(settings: Settings, symbol: str, path: Path) -> Outcome:
    """Load an analyst's CSV export for ``symbol`` through the same validation and upsert.

    The symbol must be registered in seeds/indexes.csv, and every date an XHKG session (or a
    documented extra session): both are refused, exit 2, before anything is written. The file
    is read in chunks and staged in a scratch DuckDB (``warehouse.staging``), so its size does
    not bound what can be imported: memory does not grow with it."""
    import re

    from .prices import check_trading_days
    from .sources import imports
    from .warehouse import staging

    if not re.fullmatch(SYMBOL_PATTERN, symbol):
        raise InputError(None, f"symbol {symbol!r} is not valid: 1-20 letters, digits or "
                         "^ . = _ -", field="--symbol")
    registry = read_registry(settings)
    if symbol not in set(registry["symbol"]):
        # an unregistered series would have no name, no source and no checks: an orphan
        raise InputError(settings.seeds_dir / seeds.INDEXES.file,
                         f"symbol {symbol!r} is not in the index registry (registered: "
                         f"{', '.join(sorted(registry['symbol']))}); add a row for it first",
                         field="symbol")
    frame = staging.read_price_file(path, symbol, today=settings.today())  # bounded memory
    check_trading_days(frame, path, calendar.trading_days(symbol, settings.clock()))
    outcome = Outcome(new_run_id(), settings.warehouse)
    outcome.source_used = imports.source_name(Path(path).name)
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


def check(settings: Settings, *, record: bool = True, article: str | None = None,
          sweep: bool = True) -> Outcome:
    """Integrity checks, claim ledgers and GX suites on the published warehouse.

    Every article's ledger is checked, or only ``article``'s, with the perturbations the
    ledgers declare unless ``sweep`` is false (each claim's margin is measured regardless).
    With ``record`` the verdicts and sweeps go into ``claim_results``, ``claim_sweeps`` and
    ``claim_variants`` through a build-and-publish (so an analyst's open connection is never
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
            _evaluate(con, settings, outcome, "check", ledger, record=True, sweep=sweep)
    else:
        con = reads.open_current(settings.warehouse)
        try:
            _evaluate(con, settings, outcome, "check", ledger, record=False, sweep=sweep)
        finally:
            con.close()
    return outcome


def _missing_data_notes(registry: pd.DataFrame, loaded: set[str]) -> list[str]:
    return [f"{r.symbol} ({r.name}): no data loaded. {r.data_source}"
            for r in registry.itertuples(index=False) if r.symbol not in loaded]


def report(settings: Settings, out_dir: Path, *, data_docs: bool = True):
    """Write the Markdown/HTML report with charts (and GX Data Docs) from the published data,
    checking it afresh without recording (``hkpipe report``)."""
    from . import report as report_module

    writable_folder(out_dir)  # before the checks: a bad --out fails at once
    outcome = check(settings, record=False)
    con = reads.open_current(settings.warehouse)
    try:
        return outcome, report_module.build(con, outcome.articles, outcome.claims,
                                            outcome.checks, out_dir, data_docs=data_docs,
                                            robustness=[s.as_dict() for s in outcome.sweeps],
                                            checked_on=settings.today(),
                                            author=settings.review_author,
                                            author_url=settings.review_author_url)
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
        rows = reads.claim_result_rows(con, run_id)
        recorded = [replace(r, claim=ledger.get(r.claim.key, r.claim))
                    for r in map(claims.recorded_result, rows)]
        outcome = Outcome(run_id, settings.warehouse, checks=list(checks), claims=recorded,
                          articles=articles)
        if not outcome.claims:
            raise PipelineError(f"run {run_id} recorded no claim verdicts in "
                                f"{settings.warehouse}; nothing to report")
        # the ClaimReviews are dated by the check that recorded the verdicts (UTC day)
        return outcome, report_module.build(con, articles, outcome.claims, outcome.checks,
                                            out_dir, data_docs=data_docs,
                                            robustness=reads.claim_sweep_rows(con, run_id),
                                            checked_on=rows[0]["checked_at"].date(),
                                            author=settings.review_author,
                                            author_url=settings.review_author_url)
    finally:
        con.close()


def status(settings: Settings):
    """The warehouse's schema version, pending migrations, as-of dates and last runs; read only."""
    from .warehouse import status as status_module

    return status_module.read(settings.warehouse)


def migrate(settings: Settings, *, dry_run: bool = False) -> tuple[object, Outcome]:
    """Apply pending migrations in one build and publish it; nothing else changes. With
    ``dry_run`` they are tried on a private copy that is then discarded."""
    from .warehouse import migrations

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
