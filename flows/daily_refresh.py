"""Prefect flows over the pipeline's steps: the daily refresh after the Hong Kong close, and a
backfill over a date range.

Each (source, symbol) is fetched by its own task, concurrently, retried with exponential
backoff when the failure is worth retrying and bounded by ``timeout_seconds``. HKEX's session
token is fetched once per flow run and handed to every HKEX task. The frames are then loaded
and published once, all or nothing, except that a source may fail where another served every
session it was asked for (``pipeline.live.settle``); the checks and report run on the
published warehouse. Tasks take plain values (settings, plans, frames), never connections,
and cache nothing.

Run once without a server:   python -m flows.daily_refresh [--warehouse PATH]
Deploy on a schedule:        see README "Scheduled refresh" (prefect.yaml)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from pipeline import jobs, live, seeds
from pipeline.errors import PipelineError, SourceError
from pipeline.settings import Settings

FETCH_TIMEOUT_SECONDS = 180


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
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES)
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
def read_snapshot(settings: Settings) -> dict[str, pd.DataFrame]:
    """The bundled snapshot (no network): for a first build, or a refresh without a source."""
    return jobs.snapshot_prices(settings, seeds.read_seed(settings.seeds_dir, seeds.INDEXES))


@task(cache_policy=NO_CACHE)
def publish(settings: Settings, prices: list[tuple[str, dict[str, pd.DataFrame]]],
            command: str) -> list[str]:
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse)
    jobs.publish_prices(settings, outcome, prices, command=command)
    lines = [r.describe() for r in outcome.loads]
    for line in lines:
        get_run_logger().info(line)
    return lines


@task(cache_policy=NO_CACHE)
def check(settings: Settings) -> dict:
    outcome = jobs.check(settings)
    logger = get_run_logger()
    for c in outcome.checks:
        (logger.info if c.ok else logger.error)(f"{'PASS' if c.ok else 'FAIL'} {c.name}: "
                                                f"{c.detail}")
    for r in outcome.claims:
        (logger.info if not r.changed else logger.error)(
            f"claim {r.claim.id}: {r.verdict} (expected {r.claim.expected})")
    return {"ok": outcome.ok, "checks": [c.as_dict() for c in outcome.checks],
            "claims": [r.as_dict() for r in outcome.claims]}


@task(cache_policy=NO_CACHE)
def report(settings: Settings) -> str:
    _, written = jobs.report(settings, settings.reports_dir)
    return str(written.html)


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
                  write_report: bool = True, source: str = "live") -> dict:
    """Fetch every index from the live sources (``live``: HKEX and Yahoo; or one of them), or
    read the bundled snapshot (``source="snapshot"``); publish once, then check and report."""
    settings = Settings.from_env(warehouse=warehouse)
    if source == "snapshot":
        prices = [("snapshot", read_snapshot(settings))]
    else:
        prices = _fetch_all(settings, plan(settings, source, full=full))
    loaded = publish(settings, prices, "flow:daily_refresh")
    result = check(settings)
    if write_report:
        result["report"] = report(settings)
    result["loaded"] = loaded
    if not result["ok"]:
        failed = [c["name"] for c in result["checks"] if not c["ok"]]
        changed = [c["id"] for c in result["claims"] if c["changed"]]
        raise PipelineError(f"published, but checks failed: {failed}; claims changed: "
                            f"{changed}")
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
    parser.add_argument("--source", choices=["live", "hkex", "yahoo", "snapshot"],
                        default="live",
                        help="live (default): HKEX and Yahoo; hkex or yahoo alone; or the "
                             "bundled snapshot (no network)")
    args = parser.parse_args(argv)
    try:
        daily_refresh(warehouse=args.warehouse, full=args.full,
                      write_report=not args.no_report, source=args.source)
    except PipelineError as exc:
        print(f"daily refresh failed: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
