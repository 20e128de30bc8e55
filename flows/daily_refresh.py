"""Prefect flows over the pipeline's steps: the daily refresh after the Hong Kong close, and a
backfill over a date range.

Each (source, symbol) is fetched by its own task, concurrently, retried with exponential
backoff when the failure is worth retrying and bounded by ``timeout_seconds``; HKEX's session
token is fetched once per flow run and handed to every HKEX task. The frames are then loaded,
checked (claim ledger, freshness, reconciliation, coverage, data-quality suites), recorded and
published in one build, all or nothing, except that a source may fail where another served
every session it was asked for (``hkpipe.live.settle``).
After the indexes, the flow fetches the listed universe (``universe=True``, the default):
every currently listed curated stock, in tasks of ``UNIVERSE_BATCH`` stocks that run
concurrently, each request under Prefect's global rate limit ``hkpipe-yahoo`` or
``hkpipe-hkex`` where the server has one (``prefect gcl create hkpipe-yahoo --limit 4
--slot-decay-per-second 4``), else under the pipeline's own limit at HKPIPE_YAHOO_RATE /
HKPIPE_HKEX_RATE. The same single build stores the stocks and the per-stock failures
(``load_failures``) with the indexes, so the run's checks see them; when more than
HKPIPE_MAX_STOCK_FAILURES failed, the build stores the indexes only and the flow run fails.
The report reads the verdicts that run recorded; nothing is checked twice. The flow publishes
the claim verdicts as a table artifact and a Markdown summary (as-of dates, what changed, the
report's path) for the Prefect UI; a failed check fails the flow run with the failed checks
named in its state message. Tasks take plain values (settings, plans, frames), never
connections, and cache nothing.

Run once without a server:   python -m flows.daily_refresh [--warehouse PATH]
Deploy on a schedule:        see README "Scheduled refresh" (prefect.yaml)
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date
from typing import Literal

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from hkpipe import jobs, live, seeds, universe
from hkpipe.checks import CheckResult
from hkpipe.errors import PipelineError, SourceError
from hkpipe.settings import Settings
from hkpipe.universe import TooManyStockFailures

FETCH_TIMEOUT_SECONDS = 180
UNIVERSE_BATCH = 50  # stocks per fetch task: ~16 tasks for the ~800 listings per source
UNIVERSE_BATCH_TIMEOUT_SECONDS = 1800


class PrefectRateLimit:
    """``acquire()`` before each request: a slot of Prefect's global rate limit
    ``hkpipe-<source>`` (shared by every flow run and worker on the server); where the server
    has no such limit, the pipeline's in-process limit at the source's configured rate, said
    once in the log. One per source per process, shared by every batch task."""

    _all: dict[str, PrefectRateLimit] = {}
    _lock = threading.Lock()

    def __init__(self, source: str, rate: float):
        self.name = f"hkpipe-{source}"
        self.fallback = universe.RateLimiter(rate)
        self.missing = False
        self.told = False  # the fallback was logged (from the task, which has a run context)

    @classmethod
    def of(cls, settings: Settings, source: str) -> PrefectRateLimit:
        with cls._lock:
            if source not in cls._all:
                cls._all[source] = cls(source, settings.source_rate(source))
            return cls._all[source]

    def acquire(self) -> None:
        from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
        from prefect.concurrency.sync import rate_limit

        if not self.missing:
            try:
                rate_limit(self.name, occupy=1, strict=True)
                return
            except ConcurrencySlotAcquisitionError:
                # called from the pipeline's fetch threads, which have no Prefect run
                # context to log in: the batch task says so when the batch is done
                self.missing = True
        self.fallback.acquire()

    def tell(self, logger) -> None:
        if self.missing and not self.told:
            self.told = True
            rate = 1 / self.fallback.interval if self.fallback.interval else 0
            logger.warning(f"no global rate limit {self.name!r} on this Prefect server; used "
                           f"the in-process limit of {rate:g} requests/s (0: none)")


def _retry_if_transient(task, task_run, state) -> bool:
    """Retry timeouts, rate limits and 5xx; an unknown symbol or bad data fails at once."""
    try:
        state.result()
    except SourceError as exc:
        return exc.retryable
    except Exception:
        return False
    return False


@task(cache_policy=NO_CACHE)
def plan(settings: Settings, source: str = "live", full: bool = False,
         start: date | None = None, end: date | None = None) -> list[live.FetchPlan]:
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES, today=settings.today())
    plans, notes = live.plan(settings, registry, live.expand(source),
                             last=jobs.stored_last_dates(settings), full=full)
    for note in notes:
        get_run_logger().warning(note)
    if start or end:
        plans = [live.FetchPlan(p.source, p.symbol, p.remote, start or p.start, end or p.end)
                 for p in plans]
    return plans


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=_retry_if_transient,
      timeout_seconds=FETCH_TIMEOUT_SECONDS, cache_policy=NO_CACHE)
def session_token(settings: Settings, source: str) -> str | None:
    """What one run of ``source`` shares (HKEX's token): fetched once per flow run."""
    return live.module(source).session_token(settings)


@task(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=30),
      retry_jitter_factor=0.5, retry_condition_fn=_retry_if_transient,
      timeout_seconds=FETCH_TIMEOUT_SECONDS, cache_policy=NO_CACHE)
def fetch_symbol(settings: Settings, fetch_plan: live.FetchPlan,
                 token: str | None = None) -> pd.DataFrame:
    session = live.module(fetch_plan.source).open_session(settings, token)
    # Prefect does the retrying
    frame = live.fetch_planned(settings, fetch_plan, session=session, attempts=1)
    get_run_logger().info(f"{fetch_plan.symbol} from {fetch_plan.source}: {len(frame)} bars "
                          f"{frame['trade_date'].min().date()}..{frame['trade_date'].max().date()}")
    return frame


@task(cache_policy=NO_CACHE)
def plan_universe(settings: Settings, source: str, full: bool = False
                  ) -> list[universe.StockPlan]:
    return jobs.plan_universe(settings, source, full=full)


@task(timeout_seconds=UNIVERSE_BATCH_TIMEOUT_SECONDS, cache_policy=NO_CACHE)
def fetch_stock_batch(settings: Settings, plans: list[universe.StockPlan],
                      tokens: dict[str, str | None]) -> universe.UniverseResult:
    """One batch of stocks; a failed stock is recorded in the result, never raised (the
    source's own retries apply per stock)."""
    limiters = {s: PrefectRateLimit.of(settings, s) for s in {p.source for p in plans}}
    result = universe.fetch_universe(settings, plans, limiters=limiters, tokens=tokens)
    logger = get_run_logger()
    for limiter in limiters.values():
        limiter.tell(logger)
    logger.info(result.coverage())
    return result


def _fetch_universe(settings: Settings, source: str, full: bool) -> universe.UniverseResult:
    """The listed universe in concurrent batch tasks, merged into one result."""
    plans = plan_universe(settings, source, full=full)
    tokens: dict[str, str | None] = {}
    for s in dict.fromkeys(p.source for p in plans):
        try:
            tokens[s] = session_token(settings, s)
        except SourceError:
            tokens[s] = None  # each batch tries again and records the failure per stock
    futures = [fetch_stock_batch.submit(settings, batch, tokens)
               for batch in universe.batches(plans, UNIVERSE_BATCH)]
    return universe.merge([f.result() for f in futures])


@task(cache_policy=NO_CACHE)
def read_snapshot(settings: Settings) -> dict[str, pd.DataFrame]:
    """The bundled snapshot (no network): for a first build, or a refresh without a source."""
    return jobs.snapshot_prices(settings, seeds.read_seed(settings.seeds_dir, seeds.INDEXES,
                                                          today=settings.today()))


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
                      command: str, stocks: universe.UniverseResult | None = None) -> dict:
    """One build: load the frames (and the universe's stocks and failures), run every check,
    record the verdicts, publish."""
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse,
                           source_used=" + ".join(source for source, _ in prices))
    jobs.publish_prices(settings, outcome, prices, command=command, evaluate=True,
                        universe=stocks)
    logger = get_run_logger()
    for note in outcome.notes:
        (logger.warning if note.startswith("FAILED") else logger.info)(note)
    for r in outcome.loads:
        logger.info(r.describe())
    for c in outcome.checks:
        (logger.info if c.ok else logger.error)(f"{'PASS' if c.ok else 'FAIL'} {c.name}: "
                                                f"{c.detail}")
    for r in outcome.claims:
        (logger.info if not r.changed else logger.error)(
            f"claim {r.claim.key}: {r.verdict} (expected {r.claim.expected})")
    summary = ({} if stocks is None else
               {"universe": {"wanted": stocks.wanted, "fetched": stocks.fetched,
                             "failed": [f.describe() for f in stocks.failures]}})
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
    failed = [c for c in result["checks"] if not c["ok"]]
    changed = [c for c in result["claims"] if c["changed"]]
    lines = [f"# hkpipe daily refresh: {'all checks pass' if result['ok'] else 'CHECKS FAILED'}",
             "", f"Run `{result['run_id']}`, warehouse `{warehouse}`.", "", "## Data as of", ""]
    lines += [f"- {symbol}: {day}" for symbol, day in result["as_of"].items()] or ["- no data"]
    lines += ["", "## What changed", ""]
    lines += [f"- {line}" for line in result["loaded"]] or ["- no rows loaded"]
    lines += [f"- claim **{c['article_id']}/{c['id']}** is now {c['verdict']}, expected "
              f"{c['expected']}"
              for c in changed]
    lines += [f"- FAILED **{c['name']}**: {c['detail']}" for c in failed]
    if not changed and not failed:
        lines.append(f"- every check passed; all {len(result['claims'])} claim verdicts as "
                     "expected")
    lines += ["", "## Report", "", f"`{result['report']}`" if result.get("report")
              else "not written (write_report=False)"]
    create_markdown_artifact(key="hkpipe-daily-summary", markdown="\n".join(lines),
                             description="As-of dates, what changed and the report's path")


def _fetch_all(settings: Settings, plans: list[live.FetchPlan]
               ) -> list[tuple[str, dict[str, pd.DataFrame]]]:
    """Every plan as its own task, concurrently; then the same settling rule as the CLI."""
    failed: list[tuple[live.FetchPlan, SourceError]] = []
    tokens: dict[str, str | None] = {}
    for source in dict.fromkeys(p.source for p in plans):
        try:
            tokens[source] = session_token(settings, source)
        except SourceError as exc:  # every fetch of that source fails with it
            failed += [(p, exc) for p in plans if p.source == source]
    futures = [(p, fetch_symbol.submit(settings, p, tokens[p.source]))
               for p in plans if p.source in tokens]
    served: dict[str, dict[str, pd.DataFrame]] = {}
    for p, future in futures:
        try:
            served.setdefault(p.source, {})[p.symbol] = future.result()
        except SourceError as exc:
            failed.append((p, exc))
    for note in live.settle(served, failed):  # raises a failure that leaves a gap
        get_run_logger().info(note)
    return list(served.items())


@flow(name="hkpipe-daily-refresh")
def daily_refresh(warehouse: str | None = None, full: bool = False,
                  write_report: bool = True,
                  source: Literal["live", "hkex", "yahoo", "snapshot"] = "live",
                  universe: bool = True) -> dict:
    """Fetch every index from the live sources (``live``: HKEX and Yahoo; or one of them), or
    read the bundled snapshot (``source="snapshot"``, no network); then, with ``universe``
    and a live source, fetch every listed stock; then load, check, record and publish in one
    build, report from the recorded verdicts and publish them as artifacts. Stocks are stored
    while their failures stay within HKPIPE_MAX_STOCK_FAILURES; above it the build stores the
    indexes only. Fails, naming the failed checks, if any check failed, a claim verdict
    changed or too many stocks failed (the data is published all the same)."""
    if source not in ("live", "hkex", "yahoo", "snapshot"):
        raise PipelineError(f"unknown source {source!r}: live, hkex, yahoo or snapshot")
    settings = Settings.from_env(warehouse=warehouse)
    if source == "snapshot":
        prices = [("snapshot", read_snapshot(settings))]
    else:
        prices = _fetch_all(settings, plan(settings, source, full=full))
    stocks, stocks_error = None, None
    if universe and source != "snapshot":
        stocks = _fetch_universe(settings, source, full)
        if stocks.failed_share > settings.max_stock_failures:
            stocks_error = str(TooManyStockFailures(stocks, settings.max_stock_failures))
            get_run_logger().error(stocks_error)  # the indexes publish; the flow fails below
            stocks = None
    result = publish_and_check(settings, prices, "flow:daily_refresh", stocks)
    if stocks_error:
        result["universe"] = {"error": stocks_error}
    if write_report:
        result["report"] = report(settings, result["run_id"], result["checks"])
    _publish_artifacts(result, str(settings.warehouse))
    stocks_error = result.get("universe", {}).get("error")
    if not result["ok"] or stocks_error:
        failed = [c["name"] for c in result["checks"] if not c["ok"]]
        changed = [c["id"] for c in result["claims"] if c["changed"]]
        raise PipelineError("published, but "
                            + "; ".join(part for part in (
                                f"checks failed: {', '.join(failed)}" if failed else "",
                                f"claim verdicts changed: {', '.join(changed)}" if changed
                                else "",
                                f"stocks {stocks_error}" if stocks_error else "") if part))
    return result


@flow(name="hkpipe-backfill")
def backfill(start: date, end: date, warehouse: str | None = None,
             source: str = "live") -> list[str]:
    """Re-fetch every index from ``start`` to ``end`` from the live sources; publish once."""
    settings = Settings.from_env(warehouse=warehouse)
    prices = _fetch_all(settings, plan(settings, source, start=start, end=end))
    return publish(settings, prices, "flow:backfill")


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
    parser.add_argument("--source", choices=["live", "hkex", "yahoo", "snapshot"],
                        default="live",
                        help="live (default): HKEX and Yahoo; hkex or yahoo alone; or the "
                             "bundled snapshot (no network)")
    args = parser.parse_args(argv)
    try:
        daily_refresh(warehouse=args.warehouse, full=args.full,
                      write_report=not args.no_report, source=args.source,
                      universe=not args.no_universe)
    except PipelineError as exc:
        print(f"daily refresh failed: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
