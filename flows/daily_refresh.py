"""Prefect flows over the pipeline's steps: the daily refresh after the Hong Kong close, and a
backfill over a date range.

Each Yahoo symbol is fetched by its own task (retried with exponential backoff when the failure
is worth retrying, bounded by ``timeout_seconds``); the frames are then loaded, checked (claim
ledger, freshness, data-quality suites), recorded and published in one build, all or nothing.
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
from datetime import date
from typing import Literal

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from pipeline import jobs, seeds
from pipeline.checks import CheckResult
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
def plan(settings: Settings, full: bool = False, start: date | None = None,
         end: date | None = None) -> list[jobs.FetchPlan]:
    registry = seeds.read_seed(settings.seeds_dir, seeds.INDEXES, today=settings.today())
    plans, notes = jobs.plan_yahoo(settings, registry, full=full)
    for note in notes:
        get_run_logger().warning(note)
    if start or end:
        plans = [jobs.FetchPlan(p.symbol, p.yahoo_symbol, start or p.start, end or p.end)
                 for p in plans]
    return plans


@task(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=30),
      retry_jitter_factor=0.5, retry_condition_fn=_retry_if_transient,
      timeout_seconds=FETCH_TIMEOUT_SECONDS, cache_policy=NO_CACHE)
def fetch_symbol(settings: Settings, fetch_plan: jobs.FetchPlan) -> pd.DataFrame:
    frame = jobs.fetch_planned(settings, fetch_plan, attempts=1)  # Prefect does the retrying
    get_run_logger().info(f"{fetch_plan.symbol}: {len(frame)} bars "
                          f"{frame['trade_date'].min().date()}..{frame['trade_date'].max().date()}")
    return frame


@task(cache_policy=NO_CACHE)
def read_snapshot(settings: Settings) -> dict[str, pd.DataFrame]:
    """The bundled snapshot (no network): for a first build, or a refresh without Yahoo."""
    return jobs.snapshot_prices(settings, seeds.read_seed(settings.seeds_dir, seeds.INDEXES,
                                                          today=settings.today()))


@task(cache_policy=NO_CACHE)
def publish(settings: Settings, frames: dict[str, pd.DataFrame], command: str,
            source: str = "yahoo") -> list[str]:
    """Load and publish only (the backfill)."""
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse)
    jobs.publish_prices(settings, outcome, source, frames, command=command)
    lines = [r.describe() for r in outcome.loads]
    for line in lines:
        get_run_logger().info(line)
    return lines


@task(cache_policy=NO_CACHE)
def publish_and_check(settings: Settings, frames: dict[str, pd.DataFrame], command: str,
                      source: str) -> dict:
    """One build: load the frames, run every check, record the verdicts, publish."""
    outcome = jobs.Outcome(jobs.new_run_id(), settings.warehouse, source_used=source)
    jobs.publish_prices(settings, outcome, source, frames, command=command, evaluate=True)
    logger = get_run_logger()
    for r in outcome.loads:
        logger.info(r.describe())
    for c in outcome.checks:
        (logger.info if c.ok else logger.error)(f"{'PASS' if c.ok else 'FAIL'} {c.name}: "
                                                f"{c.detail}")
    for r in outcome.claims:
        (logger.info if not r.changed else logger.error)(
            f"claim {r.claim.id}: {r.verdict} (expected {r.claim.expected})")
    return {"ok": outcome.ok, "run_id": outcome.run_id,
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
        table=[{"claim": c["id"], "the article says": c["statement"],
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
    lines += [f"- claim **{c['id']}** is now {c['verdict']}, expected {c['expected']}"
              for c in changed]
    lines += [f"- FAILED **{c['name']}**: {c['detail']}" for c in failed]
    if not changed and not failed:
        lines.append(f"- every check passed; all {len(result['claims'])} claim verdicts as "
                     "expected")
    lines += ["", "## Report", "", f"`{result['report']}`" if result.get("report")
              else "not written (write_report=False)"]
    create_markdown_artifact(key="hkpipe-daily-summary", markdown="\n".join(lines),
                             description="As-of dates, what changed and the report's path")


def _fetch_all(settings: Settings, plans: list[jobs.FetchPlan]) -> dict[str, pd.DataFrame]:
    futures = {p.symbol: fetch_symbol.submit(settings, p) for p in plans}
    # .result() raises the first failure after its retries: nothing is published then.
    return {symbol: future.result() for symbol, future in futures.items()}


@flow(name="hkpipe-daily-refresh")
def daily_refresh(warehouse: str | None = None, full: bool = False,
                  write_report: bool = True,
                  source: Literal["yahoo", "snapshot"] = "yahoo") -> dict:
    """Fetch every Yahoo-served index (or read the bundled snapshot, ``source="snapshot"``,
    no network), then load, check, record and publish in one build, report from the recorded
    verdicts and publish them as artifacts. Fails, naming the failed checks, if any check
    failed or a claim verdict changed (the data is published all the same)."""
    if source not in ("yahoo", "snapshot"):
        raise PipelineError(f"unknown source {source!r}: yahoo or snapshot")
    settings = Settings.from_env(warehouse=warehouse)
    if source == "snapshot":
        frames = read_snapshot(settings)
    else:
        frames = _fetch_all(settings, plan(settings, full=full))
    result = publish_and_check(settings, frames, "flow:daily_refresh", source)
    if write_report:
        result["report"] = report(settings, result["run_id"], result["checks"])
    _publish_artifacts(result, str(settings.warehouse))
    if not result["ok"]:
        failed = [c["name"] for c in result["checks"] if not c["ok"]]
        changed = [c["id"] for c in result["claims"] if c["changed"]]
        raise PipelineError("published, but "
                            + "; ".join(part for part in (
                                f"checks failed: {', '.join(failed)}" if failed else "",
                                f"claim verdicts changed: {', '.join(changed)}" if changed
                                else "") if part))
    return result


@flow(name="hkpipe-backfill")
def backfill(start: date, end: date, warehouse: str | None = None) -> list[str]:
    """Re-fetch every Yahoo-served index from ``start`` to ``end`` and publish once."""
    settings = Settings.from_env(warehouse=warehouse)
    frames = _fetch_all(settings, plan(settings, start=start, end=end))
    return publish(settings, frames, "flow:backfill")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.daily_refresh",
        description="Run the daily refresh flow once (Prefect starts a temporary local server "
                    "when PREFECT_API_URL is not set).")
    parser.add_argument("--warehouse", help="warehouse file (default HKPIPE_WAREHOUSE or "
                                            "data/warehouse.duckdb)")
    parser.add_argument("--full", action="store_true", help="re-fetch the whole history")
    parser.add_argument("--no-report", action="store_true", help="skip the report")
    parser.add_argument("--source", choices=["yahoo", "snapshot"], default="yahoo",
                        help="yahoo (default) or the bundled snapshot (no network)")
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
