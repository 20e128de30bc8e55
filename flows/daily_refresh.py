"""Prefect flows over the library's steps: the daily refresh after the Hong Kong close, and a
backfill over a date range.

Each step is a task wrapping one ``hkpipe.jobs`` step, and nothing here re-implements one:
plan (``jobs.plan_indexes``, ``jobs.plan_universe``), fetch a batch of plans
(``jobs.fetch``: the library's thread pool, rate limits and one retry rule, with every fetch
bounded by its source's timeout), settle (``jobs.settle_indexes``, ``jobs.settle_universe``),
then load, check, record and publish in one build (``jobs.publish_prices``), and report from
the verdicts that build recorded (``jobs.report_recorded``). Each index is fetched by its own
task and the listed universe in tasks of ``UNIVERSE_BATCH`` stocks, all concurrently; a
source's session token is fetched once per flow run and handed to every task.

Stock requests run under Prefect's global rate limit ``hkpipe-<source>`` where the server has
one (``prefect gcl create hkpipe-yahoo --limit 4 --slot-decay-per-second 4``), else under the
library's own limit at HKPIPE_<SOURCE>_RATE. When more stocks failed than
HKPIPE_MAX_STOCK_FAILURES allows, the build stores the indexes only and the flow run fails.
The flow publishes the claim verdicts as a table artifact and a Markdown summary
(``hkpipe.report.summary``) for the Prefect UI; a failed check fails the flow run with the
failed checks named in its state message. Tasks take plain values (settings, plans, frames),
never connections, and cache nothing.

Run once without a server:   python -m flows.daily_refresh [--warehouse PATH]
Deploy on a schedule:        see the docs, "Scheduled refresh" (prefect.yaml)
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from hkpipe import jobs, sources
from hkpipe.checks import CheckResult
from hkpipe.errors import PipelineError, SourceError
from hkpipe.ingest import fetch as ingest_fetch
from hkpipe.ingest.plan import FetchPlan, batches
from hkpipe.ingest.settle import TooManyStockFailures, UniverseResult
from hkpipe.report.summary import daily_summary
from hkpipe.settings import Settings

UNIVERSE_BATCH = 50  # stocks per fetch task: ~16 tasks for the ~800 listings per source


class PrefectRateLimit:
    """``acquire()`` before each request: a slot of Prefect's global rate limit
    ``hkpipe-<source>`` (shared by every flow run and worker on the server); where the server
    has no such limit, the library's in-process limit at the source's configured rate, said
    once in the log. One per source per process, shared by every batch task."""

    _all: dict[str, PrefectRateLimit] = {}
    _lock = threading.Lock()

    def __init__(self, source: str, rate: float):
        self.name = f"hkpipe-{source}"
        self.fallback = ingest_fetch.RateLimiter(rate)
        self.missing = False
        self.told = False  # the fallback was logged (from the task, which has a run context)

    @classmethod
    def of(cls, settings: Settings, source: str) -> PrefectRateLimit:
        with cls._lock:
            if source not in cls._all:
                cls._all[source] = cls(source, settings.source(source).rate)
            return cls._all[source]

    def acquire(self) -> None:
        from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
        from prefect.concurrency.sync import rate_limit

        if not self.missing:
            try:
                rate_limit(self.name, occupy=1, strict=True)
                return
            except ConcurrencySlotAcquisitionError:
                # called from the library's fetch threads, which have no Prefect run
                # context to log in: the batch task says so when the batch is done
                self.missing = True
        self.fallback.acquire()

    def tell(self, logger) -> None:
        if self.missing and not self.told:
            self.told = True
            rate = 1 / self.fallback.interval if self.fallback.interval else 0
            logger.warning(f"no global rate limit {self.name!r} on this Prefect server; used "
                           f"the in-process limit of {rate:g} requests/s (0: none)")


@task(cache_policy=NO_CACHE)
def plan_indexes(settings: Settings, source: str = "live", full: bool = False,
                 start: date | None = None, end: date | None = None) -> list[FetchPlan]:
    plans, notes = jobs.plan_indexes(settings, source, full=full, start=start, end=end)
    for note in notes:
        get_run_logger().warning(note)
    return plans


@task(cache_policy=NO_CACHE)
def plan_universe(settings: Settings, source: str, full: bool = False) -> list[FetchPlan]:
    return jobs.plan_universe(settings, source, full=full)


@task(cache_policy=NO_CACHE)
def session_token(settings: Settings, source: str):
    """What one run of ``source`` shares (HKEX's token): fetched once per flow run."""
    return ingest_fetch.session_token(settings, source)


@task(cache_policy=NO_CACHE)
def fetch(settings: Settings, plans: list[FetchPlan], tokens: dict) -> ingest_fetch.Batch:
    """One batch of plans; a failed plan is recorded in the batch, never raised."""
    limiters = {s: PrefectRateLimit.of(settings, s) for s in {p.source for p in plans}}
    batch = jobs.fetch(settings, plans, limiters=limiters, tokens=tokens)
    logger = get_run_logger()
    for limiter in limiters.values():
        limiter.tell(logger)
    logger.info(f"{len(batch.fetched)} of {len(plans)} fetched"
                + "".join(f"; FAILED {p.symbol} from {p.source}: {exc}"
                          for p, exc in batch.failures))
    return batch


@task(cache_policy=NO_CACHE)
def fetch_listings(settings: Settings):
    """Today's HKEX List of Securities (``jobs.fetch_listings``), stored by the run's build."""
    return jobs.fetch_listings(settings)


@task(cache_policy=NO_CACHE)
def store_listings(settings: Settings, securities) -> dict:
    """Store the list and its candidates and publish (``jobs.store_listings``), before the
    universe is planned: a candidate first seen today is fetched in this same run."""
    outcome = jobs.store_listings(settings, securities, command="flow:daily_refresh")
    for note in outcome.discovery.notes():
        get_run_logger().info(note)
    return {"as_of": str(outcome.discovery.as_of), "pending": outcome.discovery.notes()[1:]}


@task(cache_policy=NO_CACHE)
def settle_indexes(batch: ingest_fetch.Batch) -> list[tuple[str, dict[str, pd.DataFrame]]]:
    prices, notes = jobs.settle_indexes(batch)  # raises a failure that leaves a gap
    for note in notes:
        get_run_logger().info(note)
    return prices


@task(cache_policy=NO_CACHE)
def settle_universe(settings: Settings, batch: ingest_fetch.Batch,
                    plans: list[FetchPlan]) -> UniverseResult:
    return jobs.settle_universe(settings, batch, plans)


@task(cache_policy=NO_CACHE)
def read_snapshot(settings: Settings) -> dict[str, pd.DataFrame]:
    """The bundled snapshot (no network): for a first build, or a refresh without a source."""
    return jobs.snapshot_prices(settings, jobs.read_registry(settings))


@task(cache_policy=NO_CACHE)
def publish(settings: Settings, prices: list[tuple[str, dict[str, pd.DataFrame]]],
            command: str) -> list[str]:
    """Load and publish only (the backfill)."""
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse)
    jobs.publish_prices(settings, outcome, prices, command=command)
    lines = [r.describe() for r in outcome.loads]
    for line in lines:
        get_run_logger().info(line)
    return lines


@task(cache_policy=NO_CACHE)
def publish_and_check(settings: Settings, prices: list[tuple[str, dict[str, pd.DataFrame]]],
                      command: str, stocks: UniverseResult | None = None,
                      securities=None) -> dict:
    """One build: load the frames (and the universe's stocks and failures, and the List of
    Securities with its candidates), run every check, record the verdicts, publish."""
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse,
                           source_used=" + ".join(source for source, _ in prices))
    jobs.publish_prices(settings, outcome, prices, command=command, evaluate=True,
                        universe=stocks, securities=securities)
    logger = get_run_logger()
    for note in outcome.notes:
        (logger.warning if note.startswith("FAILED") else logger.info)(note)
    for r in outcome.loads:
        logger.info(r.describe())
    for c in outcome.checks:
        log = logger.error if not c.ok else logger.warning if c.warning else logger.info
        log(f"{c.label} {c.name}: {c.detail}")
    for r in outcome.claims:
        (logger.info if not r.changed else logger.error)(
            f"claim {r.claim.key}: {r.verdict} (expected {r.claim.expected})")
    summary = ({} if stocks is None else
               {"universe": {"wanted": stocks.wanted, "fetched": stocks.fetched,
                             "failed": [f.describe() for f in stocks.failures]}})
    if outcome.discovery is not None:
        summary["listings"] = {"as_of": str(outcome.discovery.as_of),
                               "pending": outcome.discovery.notes()[1:]}
    return {**summary, "ok": outcome.ok, "run_id": outcome.run_id,
            "loaded": [r.describe() for r in outcome.loads],
            "as_of": {s: str(d) for s, d in sorted(outcome.as_of.items())},
            "checks": [c.as_dict() for c in outcome.checks],
            "claims": [r.as_dict() for r in outcome.claims]}


@task(cache_policy=NO_CACHE)
def report(settings: Settings, run_id: str, checks: list[dict]) -> str:
    """The report from the verdicts ``run_id`` recorded (no check is run again)."""
    _, written = jobs.report_recorded(settings, settings.reports_dir, run_id,
                                      [CheckResult(**c) for c in checks])
    return str(written.markdown.resolve())


def _publish_artifacts(result: dict, warehouse: str) -> None:
    """What an operator sees in the Prefect UI: the verdicts, and a summary of the run."""
    create_table_artifact(
        key="hkpipe-claim-verdicts",
        table=[{"article": c["article_id"], "claim": c["id"], "the source says": c["statement"],
                "measured": c["measured"], "verdict": c["verdict"],
                "expected": c["expected"], "changed": c["changed"]}
               for c in result["claims"]],
        description=f"Claim verdicts of run {result['run_id']} ({warehouse})")
    create_markdown_artifact(key="hkpipe-daily-summary",
                             markdown=daily_summary(result, warehouse),
                             description="As-of dates, coverage, what changed, failures and "
                                         "warnings, and the report's path")


def _fetch(settings: Settings, plans: list[FetchPlan], size: int) -> ingest_fetch.Batch:
    """``plans`` in concurrent fetch tasks of ``size`` plans, one session token per source."""
    tokens = {}
    for name in dict.fromkeys(p.source for p in plans):
        try:
            tokens[name] = session_token(settings, name)
        except SourceError:
            tokens[name] = None  # each task tries again and records the failure per plan
    futures = [fetch.submit(settings, part, tokens) for part in batches(plans, size)]
    merged = ingest_fetch.Batch()
    for future in futures:
        merged.extend(future.result())
    return merged


def _fetch_universe(settings: Settings, source: str, full: bool
                    ) -> tuple[UniverseResult | None, str | None]:
    """The listed universe, or None and why it is not to be stored."""
    plans = plan_universe(settings, source, full=full)
    batch = _fetch(settings, plans, UNIVERSE_BATCH)
    try:
        return settle_universe(settings, batch, plans), None
    except TooManyStockFailures as exc:
        get_run_logger().error(str(exc))  # the indexes publish; the flow fails below
        return None, str(exc)


def _sources(source: str) -> None:
    if source != "snapshot" and source != "live" and source not in sources.live("indexes"):
        raise PipelineError(f"unknown source {source!r}: "
                            + ", ".join(sources.choices(then=("snapshot",))))


@flow(name="hkpipe-daily-refresh")
def daily_refresh(warehouse: str | None = None, full: bool = False,
                  write_report: bool = True, source: str = "live",
                  universe: bool = True, listings: bool = True) -> dict:
    """Fetch every index from the live sources (``live``: every one; or one of them), or
    read the bundled snapshot (``source="snapshot"``, no network); then, with ``listings`` and
    a live source, fetch HKEX's List of Securities and publish it with its candidate listings
    and delistings (discovery); then, with ``universe`` and a live source, fetch every listed
    stock and candidate listing; then load, check, record and publish in one build, report from the
    recorded verdicts and publish them as artifacts. Stocks are stored while their failures
    stay within HKPIPE_MAX_STOCK_FAILURES; above it the build stores the indexes only. Fails,
    naming the failed checks, if any check failed, a claim verdict changed, too many stocks
    failed or the List of Securities failed (the rest is published all the same)."""
    _sources(source)
    settings = Settings.from_env(warehouse=warehouse)
    if source == "snapshot":
        prices = [("snapshot", read_snapshot(settings))]
    else:
        prices = settle_indexes(_fetch(settings, plan_indexes(settings, source, full=full), 1))
    securities, discovered, listings_error = None, None, None
    if listings and source != "snapshot":
        try:
            securities = fetch_listings(settings)
        except SourceError as exc:
            get_run_logger().error(str(exc))  # nothing of the list is stored; the flow fails
            listings_error = str(exc)
    if securities is not None and settings.warehouse.exists():
        # its own publish, so the universe plan below sees today's candidates; a first build
        # stores the list with everything else, and its candidates are fetched next run
        discovered, securities = store_listings(settings, securities), None
    stocks, stocks_error = None, None
    if universe and source != "snapshot":
        stocks, stocks_error = _fetch_universe(settings, source, full)
    result = publish_and_check(settings, prices, "flow:daily_refresh", stocks, securities)
    if stocks_error:
        result["universe"] = {"error": stocks_error}
    if discovered is not None:
        result["listings"] = discovered
    if listings_error:
        result["listings"] = {"error": listings_error}
    if write_report:
        result["report"] = report(settings, result["run_id"], result["checks"])
    _publish_artifacts(result, str(settings.warehouse))
    if not result["ok"] or stocks_error or listings_error:
        failed = [c["name"] for c in result["checks"] if not c["ok"]]
        changed = [f"{c['article_id']}/{c['id']}" for c in result["claims"] if c["changed"]]
        raise PipelineError("published, but "
                            + "; ".join(part for part in (
                                f"checks failed: {', '.join(failed)}" if failed else "",
                                f"claim verdicts changed: {', '.join(changed)}" if changed
                                else "",
                                f"stocks {stocks_error}" if stocks_error else "",
                                f"listings: {listings_error}" if listings_error else "")
                                if part))
    return result


@flow(name="hkpipe-backfill")
def backfill(start: date, end: date, warehouse: str | None = None,
             source: str = "live") -> list[str]:
    """Re-fetch every index from ``start`` to ``end`` from the live sources; publish once."""
    _sources(source)
    settings = Settings.from_env(warehouse=warehouse)
    plans = plan_indexes(settings, source, start=start, end=end)
    return publish(settings, settle_indexes(_fetch(settings, plans, 1)), "flow:backfill")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.daily_refresh",
        description="Run the daily refresh flow once (Prefect starts a temporary local server "
                    "when PREFECT_API_URL is not set).")
    parser.add_argument("--warehouse", help="warehouse file (default HKPIPE_WAREHOUSE or "
                                            "data/warehouse.duckdb)")
    parser.add_argument("--full", action="store_true", help="re-fetch the whole history")
    parser.add_argument("--no-report", action="store_true", help="skip the report")
    parser.add_argument("--no-universe", action="store_true",
                        help="refresh the indexes only, not the listed stocks")
    parser.add_argument("--source", choices=sources.choices(then=("snapshot",)),
                        default="live",
                        help="live (default): every live source ("
                             f"{', '.join(sources.live('indexes'))}); one of them alone; or "
                             "the bundled snapshot (no network)")
    parser.add_argument("--no-listings", action="store_true",
                        help="skip discovery: do not fetch HKEX's List of Securities "
                             "(HKPIPE_HKEX_SECURITIES_URL)")
    args = parser.parse_args(argv)
    try:
        daily_refresh(warehouse=args.warehouse, full=args.full,
                      write_report=not args.no_report, source=args.source,
                      universe=not args.no_universe, listings=not args.no_listings)
    except PipelineError as exc:
        print(f"daily refresh failed: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
