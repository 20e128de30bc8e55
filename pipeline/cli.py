"""The ``hkpipe`` command: argument parsing and printing only; the work is in ``jobs``.

Exit codes: 0 all good, 1 a check failed, 2 bad input or usage, 3 another failure
(network, lock held by another run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError, PipelineError
from .settings import Settings

EXIT_OK, EXIT_CHECK, EXIT_INPUT, EXIT_FAILURE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", metavar="PATH",
                        help="DuckDB warehouse file (env HKPIPE_WAREHOUSE; "
                             "default data/warehouse.duckdb)")
    seeds = argparse.ArgumentParser(add_help=False)
    seeds.add_argument("--seeds-dir", metavar="DIR",
                       help="folder of curated seed files (env HKPIPE_SEEDS; default the "
                            "project's seeds/)")

    parser = argparse.ArgumentParser(
        prog="hkpipe",
        description="Hong Kong index prices and new-economy listings in a DuckDB warehouse, "
                    "with checks of published claims.",
        epilog="Exit codes: 0 ok, 1 a check failed, 2 bad input or usage, 3 other failure.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", parents=[common, seeds],
                       help="load seeds and prices, publish, run every check",
                       description="The main job: validate and load the curated seeds and the "
                                   "price history, publish the warehouse atomically, then run "
                                   "every check. Exit 1 if a check fails.")
    p.add_argument("--source", choices=["snapshot"], default="snapshot",
                   help="where prices come from: the bundled snapshot (default)")

    p = sub.add_parser("refresh", parents=[common, seeds],
                       help="load new prices and publish",
                       description="Load prices for every index in seeds/indexes.csv that the "
                                   "source serves; publish atomically (all or nothing).")
    p.add_argument("--source", choices=["snapshot"], default="snapshot",
                   help="where prices come from (default: snapshot)")

    sub.add_parser("load-seeds", parents=[common, seeds],
                   help="validate and load the curated seed tables",
                   description="Validate every seed file and replace the seed tables; any "
                               "problem rejects the whole load, naming file, line and column.")

    p = sub.add_parser("check", parents=[common],
                       help="run integrity checks on the published warehouse",
                       description="Run the checks on the published warehouse without "
                                   "blocking readers. Exit 0 if all pass, 1 if any fails.")
    p.add_argument("--json", action="store_true",
                   help='print {"ok", "checks": [{"name", "ok", "detail"}], "claims": [...]}')
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env(warehouse=args.warehouse,
                                 seeds_dir=getattr(args, "seeds_dir", None))
    try:
        return COMMANDS[args.command](settings, args)
    except InputError as exc:
        _err(f"input error: {exc}")
        return EXIT_INPUT
    except PipelineError as exc:
        _err(f"error: {exc}")
        return EXIT_FAILURE


def _err(text: str) -> None:
    print(f"hkpipe: {text}", file=sys.stderr)


def _ensure_default_folder(settings: Settings) -> None:
    # The default data/ folder is ours to create; a user-given folder must already exist.
    if settings.warehouse == Path("data/warehouse.duckdb"):
        settings.warehouse.parent.mkdir(exist_ok=True)


def _print_loads(outcome) -> None:
    for r in outcome.loads:
        print(f"  loaded {r.describe()}")
    for table, n in outcome.seeds.items():
        print(f"  seed {table}: {n} rows")
    for note in outcome.notes:
        print(f"  NOTE {note}")


def _print_checks(outcome) -> None:
    width = max((len(c.name) for c in outcome.checks), default=10)
    for c in outcome.checks:
        print(f"  {'PASS' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}")
    failed = sum(not c.ok for c in outcome.checks)
    print(f"{len(outcome.checks) - failed} passed, {failed} failed")


def cmd_run(settings, args) -> int:
    from . import jobs
    _ensure_default_folder(settings)
    print(f"hkpipe run: source {args.source}, warehouse {settings.warehouse}")
    outcome = jobs.run(settings, source=args.source)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    _print_checks(outcome)
    return EXIT_OK if outcome.ok else EXIT_CHECK


def cmd_refresh(settings, args) -> int:
    from . import jobs
    _ensure_default_folder(settings)
    outcome = jobs.refresh(settings, source=args.source)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    return EXIT_OK


def cmd_load_seeds(settings, args) -> int:
    from . import jobs
    _ensure_default_folder(settings)
    outcome = jobs.load_seeds(settings)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    return EXIT_OK


def cmd_check(settings, args) -> int:
    from . import jobs
    outcome = jobs.check(settings)
    if args.json:
        print(json.dumps({"ok": outcome.ok, "checks": [c.as_dict() for c in outcome.checks],
                          "claims": []}, indent=2, default=str))
    else:
        _print_checks(outcome)
    return EXIT_OK if outcome.ok else EXIT_CHECK


COMMANDS = {"run": cmd_run, "refresh": cmd_refresh, "load-seeds": cmd_load_seeds,
            "check": cmd_check}

if __name__ == "__main__":
    sys.exit(main())
