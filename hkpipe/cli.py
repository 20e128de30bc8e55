"""The ``hkpipe`` command: argument parsing and printing only; the work is in ``jobs``.

Exit codes: 0 all good, 1 a check failed, 2 bad input or usage, 3 another failure
(a price source failed, the lock is held by another run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import InputError, PipelineError, clip
from .settings import DEFAULT_MAX_STOCK_FAILURES, Settings

EXIT_OK, EXIT_CHECK, EXIT_INPUT, EXIT_FAILURE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    from . import sources  # the --source choices come from the source registry

    live = ", ".join(sources.live("indexes"))
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
                       help="load seeds and prices, run every check, publish",
                       description="The main job: validate and load the curated seeds, the "
                                   "index price history and the bundled stock prices "
                                   "(seeds/stocks/, skipped while unchanged), publish the "
                                   "warehouse atomically, then run every check. Exit 1 if a "
                                   "check fails.")
    p.add_argument("--source", choices=sources.choices("auto", "snapshot"), default="auto",
                   help=f"auto (default): the live sources ({live}) when reachable, else the "
                        "bundled snapshot; snapshot: bundled data only, no network; live or "
                        "one live source: the snapshot, then that source (live: every one) "
                        "from where the data ends, failing if it fails")

    p = sub.add_parser("refresh", parents=[common, seeds],
                       help="load new prices and publish",
                       description="Load prices for every index in seeds/indexes.csv that the "
                                   "source serves; publish atomically, all or nothing. A live "
                                   "refresh fetches from a few sessions before the last stored "
                                   "day (so revisions are taken) to the last completed XHKG "
                                   "session, with retries; indexes the source does not serve "
                                   "are skipped and named. With live, a source that fails is "
                                   "tolerated only where the other served every session it "
                                   "was asked for. Each source's values are kept in "
                                   "price_observations; prices holds the resolved one per day.")
    p.add_argument("--source", choices=sources.choices(then=("snapshot",)), default="live",
                   help=f"live (default): every live source ({live}); one of them alone; or "
                        "the bundled snapshot")
    p.add_argument("--full", action="store_true",
                   help="re-fetch the whole history instead of the recent sessions")
    p.add_argument("--universe", choices=["indexes", "listings"], default="indexes",
                   help="indexes (default): the registered indexes, all or nothing; listings: "
                        "every currently listed stock of seeds/new_economy_listings.csv from "
                        "the live sources (as NNNN.HK at each), concurrently under "
                        "a rate limit; a stock that fails is recorded in load_failures with its "
                        "reason, and the run exits 0 naming it while the failed share is at "
                        "most HKPIPE_MAX_STOCK_FAILURES (default "
                        f"{DEFAULT_MAX_STOCK_FAILURES:g}), else 3 with nothing "
                        "published")

    p.add_argument("--listings", action="store_true",
                   help="discovery instead of prices: fetch HKEX's List of Securities "
                        "(HKPIPE_HKEX_SECURITIES_URL, used as given), store it, and raise "
                        "candidate listings (codes no curated listing covers) and candidate "
                        "delistings (curated listings missing from it) in listing_candidates; "
                        "`check` warns while they await review. A list that is malformed, "
                        "rejected (an HTML page, a date after today) or empty changes nothing "
                        "(exit 3)")

    p = sub.add_parser("listings",
                       help="the candidate listings and delistings awaiting review",
                       description="Candidates raised by `hkpipe refresh --listings` (or the "
                                   "daily flow) from HKEX's List of Securities.")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    q = verbs.add_parser("propose", parents=[common, seeds],
                         help="print the seed rows the candidates would add or close",
                         description="Print the rows of seeds/new_economy_listings.csv that "
                                     "the candidates awaiting review would add (a candidate "
                                     "listing: HKEX's short name, board, markers, the tier "
                                     "the markers give or none with 'industry unknown', and "
                                     "its first session with bars as the listing date) or "
                                     "close (a candidate delisting: the first list it was "
                                     "missing from, an upper bound). Each basis says where "
                                     "the row came from and that it awaits review.")
    q.add_argument("--write", action="store_true",
                   help="append the rows to the seed CSV (closed rows changed in place), "
                        "once the seeds so changed pass the loader, for a person to review in "
                        "the diff")

    p = sub.add_parser("claims",
                       help="tools for claim ledgers (claims draft: a draft ledger from text)",
                       description="Tools for the claim ledgers of seeds/articles/<id>/ "
                                   "(article.toml and claims.csv).")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    q = verbs.add_parser("draft", parents=[seeds],
                         help="draft an article folder from the article's plain text",
                         description="Find the numeric statements of a plain-text UTF-8 "
                                     "article (percentages, HK$/US$/RMB amounts, counts of "
                                     "companies or listings, comparatives such as 'more "
                                     "than', 'best start since' or 'record', dates and years) "
                                     "and write a draft folder seeds/articles/ID/: "
                                     "article.toml with the sentences holding them as "
                                     "passages, and claims.csv with one candidate row each, "
                                     "its query suggested from a keyword table where one "
                                     "fits (docs/ledgers.md). expected, measured, comparison, "
                                     "outlet and date are left empty for a person to review "
                                     "and fill in; until then the loader refuses the folder, "
                                     "so load-seeds, run and check exit 2 naming the first "
                                     "missing field. An existing folder is not overwritten "
                                     "without --force.")
    q.add_argument("file", metavar="ARTICLE.txt", help="the article's plain text, UTF-8")
    q.add_argument("--article", required=True, metavar="ID",
                   help="the new folder's name and the article's id (letters, digits, _ . -)")
    q.add_argument("--force", action="store_true",
                   help="replace the folder's article.toml and claims.csv if it exists")

    p = sub.add_parser("import-prices", parents=[common, seeds],
                       help="load a CSV export of daily prices for one symbol",
                       description="Load a CSV export (header: date, close, and any of open, "
                                   "high, low, adj_close, volume, turnover_hkd) for a series "
                                   "Yahoo lacks, through the same validation and upsert; rows "
                                   "are recorded with source import:<file name>. The symbol "
                                   "must be registered in seeds/indexes.csv and every date "
                                   "must be an XHKG session (or a documented extra session); "
                                   "otherwise nothing is written and the exit code is 2.")
    p.add_argument("--symbol", required=True,
                   help="symbol to store the rows under (e.g. HKEXT100)")
    p.add_argument("file", metavar="FILE.csv", help="the CSV file")

    sub.add_parser("load-seeds", parents=[common, seeds],
                   help="validate and load the seed tables and the bundled price snapshot",
                   description="Validate every file in the seeds folder (seed tables, "
                               "snapshot price files, the bundled stock prices, every "
                               "article's article.toml and claims.csv), replace the seed "
                               "tables, upsert the snapshot prices and replace each changed "
                               "stock file's rows; any problem rejects the whole load, naming "
                               "file, line and column, and exits 2.")

    p = sub.add_parser("check", parents=[common, seeds],
                       help="run integrity checks, data-quality suites and the claim ledgers",
                       description="Run the integrity checks, the Great Expectations suites "
                                   "and the claim ledgers (seeds/articles/<article_id>/"
                                   "claims.csv, read as they are now) on the published "
                                   "warehouse, with each claim's margin and the "
                                   "perturbations its ledger declares (column vary), and "
                                   "record the verdicts with their article in claim_results "
                                   "(and the sweeps in claim_sweeps and claim_variants) "
                                   "without blocking readers. Exit 0 if all "
                                   "pass and every verdict equals its expected one, 1 if not, "
                                   "2 for a malformed ledger or article (file, line and field "
                                   "named; nothing is written).")
    p.add_argument("--article", metavar="ID",
                   help="check only this article's ledger (a folder name in seeds/articles/); "
                        "default: every article")
    p.add_argument("--json", action="store_true",
                   help='print {"ok", "checks": [{"name", "ok", "detail"}], "claims": '
                        '[{"article_id", "id", "statement", "measured", "verdict", "expected", '
                        '"changed", "data_as_of", ...}], "robustness": [{"article_id", '
                        '"claim_id", "margin", "margin_item", "variants", "agreeing", '
                        '"boundary", ...}]}')
    p.add_argument("--no-sweeps", action="store_true",
                   help="skip the declared perturbations (each claim's margin is still "
                        "measured)")
    p.add_argument("--no-record", action="store_true",
                   help="only read the warehouse; do not add the verdicts to claim_results")
    p = sub.add_parser("report", parents=[common, seeds],
                       help="write the Markdown/HTML report with charts and GX Data Docs",
                       description="Write report.md and report.html, rendered from the "
                                   "templates in templates/: one section per article (its "
                                   "metadata, claims, verdicts, evidence, and the charts and "
                                   "tables its article.toml names), the data as-of dates, the "
                                   "checks and the sources, with PNG charts beside the "
                                   "Markdown and embedded in the HTML (readable offline), plus "
                                   "Great Expectations Data Docs, from the published "
                                   "warehouse.")
    p.add_argument("--out", metavar="DIR",
                   help="output folder (env HKPIPE_REPORTS; default reports/)")
    p.add_argument("--no-data-docs", action="store_true",
                   help="skip the Great Expectations Data Docs (faster)")

    p = sub.add_parser("status", parents=[common],
                       help="show the warehouse's schema version, pending migrations, as-of "
                            "dates and last runs (changes nothing)",
                       description="Read the warehouse without changing it and print its "
                                   "schema version, the migrations applied and pending, its "
                                   "storage format, the as-of date of every symbol, each "
                                   "stock source's listings and reach (with the stocks its "
                                   "last universe refresh missed), and the last load and "
                                   "check. Exit 2 when this hkpipe must not "
                                   "write it (a newer schema version, or an applied migration "
                                   "edited since).")
    p.add_argument("--json", action="store_true", help="print the status as JSON")

    p = sub.add_parser("migrate", parents=[common],
                       help="apply pending schema migrations and publish (data kept)",
                       description="Apply the pending migrations of sql/migrations/ to a copy "
                                   "of the warehouse and publish it atomically; rows, load "
                                   "history and claim verdicts are kept. Every writing command "
                                   "does this too; read-only ones (check --no-record, report) "
                                   "ask for it. Exit 2 for a warehouse newer than this hkpipe or "
                                   "an edited applied migration, 3 if a migration fails; "
                                   "nothing is published then.")
    p.add_argument("--dry-run", action="store_true",
                   help="apply them to a private copy that is then discarded, and say what "
                        "would be applied; the warehouse is not changed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(warehouse=getattr(args, "warehouse", None),
                                     seeds_dir=getattr(args, "seeds_dir", None))
        if args.command in WRITERS:
            _ensure_default_folder(settings)
        return COMMANDS[args.command](settings, args)
    except InputError as exc:
        _err(f"input error: {exc}")
        return EXIT_INPUT
    except PipelineError as exc:
        _err(f"error: {exc}")
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`hkpipe status | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # what a process ended by SIGPIPE reports
    except KeyboardInterrupt:
        _err("interrupted; nothing was published by the interrupted step")
        return 128 + 2
    except Exception as exc:  # the last resort (MemoryError and RecursionError included)
        # Every failure ends in one line and exit 3, never a traceback under exit 1 (which
        # means "a check failed"). A build that failed published nothing (warehouse.build).
        _err(f"error: {_unexpected(exc)}")
        return EXIT_FAILURE


def _unexpected(exc: BaseException) -> str:
    """One line for an exception no layer below classified."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" writing {exc.filename}" if exc.filename else ""
        return f"disk full{where} ({exc.strerror or exc}); nothing was published, free some " \
               "space and run again"
    if isinstance(exc, MemoryError):
        return "out of memory; nothing was published"
    if isinstance(exc, RecursionError):
        return "input nested too deeply to read (RecursionError); nothing was published"
    text = " ".join(str(exc).split()) or "no message"
    return clip(f"unexpected {type(exc).__name__}: {text}")


def _err(text: str) -> None:
    print(f"hkpipe: {text}", file=sys.stderr)


def _ensure_default_folder(settings: Settings) -> None:
    # The default data/ folder is ours to create; a user-given folder must already exist.
    if settings.warehouse == Path("data/warehouse.duckdb"):
        settings.warehouse.parent.mkdir(exist_ok=True)


def _print_loads(outcome) -> None:
    if outcome.migrated:
        print("  migrated the warehouse's schema: "
              + ", ".join(m.label for m in outcome.migrated))
    for r in outcome.loads:
        print(f"  loaded {r.describe()}")
    for table, n in outcome.seeds.items():
        print(f"  seed {table}: {n} rows")
    for note in outcome.notes:
        print(f"  NOTE {note}")


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _print_claims(outcome) -> None:
    if not outcome.claims:
        return
    print("claims:")
    rows = [("claim", "the source says", "measured", "verdict", "expected")]
    for r in outcome.claims:
        says = r.claim.statement if len(r.claim.statement) <= 48 else \
            r.claim.statement[:45] + "..."
        verdict = r.verdict + (f" ({r.claim.rounded_kind}: {r.rounded_verdict})"
                               if r.rounded_verdict else "")
        measured = f"{r.claim.measured} {_fmt(r.measured_value)}"
        if len(r.measured_detail) <= 20:
            measured += f" ({r.measured_detail})"
        rows.append((r.claim.key, says, measured,
                     verdict, r.claim.expected + ("  <- CHANGED" if r.changed else "")))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  " + "  ".join(f"{cell:<{w}}" for cell, w in zip(row[:4], widths,
                                                                  strict=True)) + "  " + row[4])
    for r in outcome.claims:
        if r.changed:
            print(f"  CHANGED {r.claim.key}: expected {r.claim.expected}, now {r.verdict} "
                  f"({r.claim.comparison}; {r.claim.measured} = {_fmt(r.measured_value)}: "
                  f"{r.measured_detail})")


def _print_sweeps(outcome) -> None:
    swept = [s for s in outcome.sweeps if s.variants]
    if not swept:
        return
    print("robustness (the variants each ledger declares; claim_robustness):")
    for s in swept:
        margin = "" if s.margin is None else f"margin {_fmt(s.margin)} ({s.margin_item}); "
        print(f"  {s.claim.key}: {margin}{s.agreeing} of {len(s.variants)} variants agree "
              f"({s.result.verdict}): {s.boundary}")


def _print_checks(outcome) -> None:
    _print_claims(outcome)
    _print_sweeps(outcome)
    print("checks:")
    width = max((len(c.name) for c in outcome.checks), default=10)
    for c in outcome.checks:
        print(f"  {c.label}  {c.name:<{width}}  {c.detail}")
    failed = sum(not c.ok for c in outcome.checks)
    changed = sum(c.changed for c in outcome.claims)
    warned = sum(c.ok and c.warning for c in outcome.checks)
    print(f"{len(outcome.checks) - failed + len(outcome.claims) - changed} passed, "
          f"{failed + changed} failed" + (f" ({warned} with warnings)" if warned else ""))


def cmd_run(settings, args) -> int:
    from . import jobs
    print(f"hkpipe run: source {args.source}, warehouse {settings.warehouse}")
    outcome = jobs.run(settings, source=args.source)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    print(f"PRICES FROM: {outcome.source_used.upper()}; data as of: "
          + ", ".join(f"{symbol} {day}" for symbol, day in sorted(outcome.as_of.items())))
    _print_checks(outcome)
    return EXIT_OK if outcome.ok else EXIT_CHECK


def cmd_refresh(settings, args) -> int:
    from . import jobs
    if args.listings:
        outcome = jobs.refresh_listings(settings)
        _print_loads(outcome)
        print(f"published {settings.warehouse} (run {outcome.run_id}); "
              f"{len(outcome.discovery.pending)} candidate(s) await review")
        return EXIT_OK
    if args.universe == "listings":
        with _Progress("stocks") as progress:
            outcome = jobs.refresh_universe(settings, source=args.source, full=args.full,
                                            progress=progress)
        _print_loads(outcome)
        print(f"published {settings.warehouse} (run {outcome.run_id}); "
              f"{outcome.universe.coverage()}")
        return EXIT_OK
    outcome = jobs.refresh(settings, source=args.source, full=args.full)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    return EXIT_OK


class _Progress:
    """Progress of long work on stderr: a bar with the count, rate and time left on a
    terminal (rich), else a plain line every tenth of the way."""

    def __init__(self, what: str):
        self.what = what
        self.bar = None
        self.said = 0
        self.started = 0.0

    def __enter__(self):
        import time

        self.started = time.monotonic()
        if sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn(f"fetching {self.what}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                                TimeRemainingColumn(), transient=True,
                                console=_stderr_console())
            self.bar.start()
            self.task = self.bar.add_task(self.what, total=None, rate="")
        return self

    def __call__(self, done: int, total: int) -> None:
        import time

        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, rate=f"{rate:.1f}/s")
        elif done == total or done * 10 // max(total, 1) > self.said:
            self.said = done * 10 // max(total, 1)
            left = (total - done) / rate if rate else 0
            print(f"hkpipe: fetched {done} of {total} {self.what} ({rate:.1f}/s, about "
                  f"{left:.0f} s left)", file=sys.stderr, flush=True)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def cmd_import_prices(settings, args) -> int:
    from . import jobs
    outcome = jobs.import_prices(settings, args.symbol, Path(args.file))
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    return EXIT_OK


def cmd_load_seeds(settings, args) -> int:
    from . import jobs
    outcome = jobs.load_seeds(settings)
    _print_loads(outcome)
    print(f"published {settings.warehouse} (run {outcome.run_id})")
    return EXIT_OK


def cmd_check(settings, args) -> int:
    from . import jobs
    outcome = jobs.check(settings, record=not args.no_record, article=args.article,
                         sweep=not args.no_sweeps)
    if args.json:
        print(json.dumps({"ok": outcome.ok, "checks": [c.as_dict() for c in outcome.checks],
                          "claims": [c.as_dict() for c in outcome.claims],
                          "robustness": [s.as_dict() for s in outcome.sweeps]},
                         indent=2, default=str))
    else:
        _print_checks(outcome)
    return EXIT_OK if outcome.ok else EXIT_CHECK


def cmd_report(settings, args) -> int:
    from . import jobs
    out = Path(args.out) if args.out else settings.reports_dir
    outcome, rep = jobs.report(settings, out, data_docs=not args.no_data_docs)
    print(f"wrote {rep.markdown} and {rep.html}")
    for chart in rep.charts:
        print(f"  chart {chart}")
    if rep.data_docs:
        print(f"  GX Data Docs {rep.data_docs}")
    changed = [c for c in outcome.claims if c.changed]
    for c in changed:
        print(f"  CHANGED {c.claim.key}: expected {c.claim.expected}, now {c.verdict}")
    return EXIT_OK if outcome.ok else EXIT_CHECK


def _print_status(st) -> None:
    s = st.schema
    print(f"warehouse {st.path}")
    if not st.exists:
        print(f"  not built yet (`hkpipe run` builds it at schema version {s.latest})")
        return
    print(f"  storage format {st.storage_version or 'unknown'}")
    written = " (written before versioned migrations)" if s.legacy else ""
    print(f"  schema version {s.version}{written}; this hkpipe's is {s.latest}")
    for a in s.applied:
        how = "adopted: its tables were already there" if a.adopted else "applied"
        print(f"    {a.label}  {how} {a.applied_at:%Y-%m-%d %H:%M} UTC")
    print("  pending migrations: " + (", ".join(m.label for m in s.pending) or "none")
          + (" (the next command that writes applies them; or `hkpipe migrate`)"
             if s.pending else ""))
    if st.unreadable:
        print(f"  data not summarised: {st.unreadable}")
    print("  prices as of:" if st.prices else "  prices: none stored")
    for p in st.prices:
        print(f"    {p['symbol']:<10} {p['last_date']} ({p['last_source']}; {p['sessions']:,} "
              f"sessions from {p['first_date']})")
    if st.sources:
        print("  sources: " + "; ".join(
            f"{s['source']} ({s['label']}: {s['serves']}{', live' if s['live'] else ''})"
            for s in st.sources))
    for p in st.stocks:
        failed = (f"; {p['failed_last_run']} stock(s) failed in its last universe refresh "
                  f"(load_failures, run {p['failed_run_id']})" if p["failed_last_run"] else "")
        print(f"  stocks from {p['source']}: {p['listings']:,} listings, {p['n_rows']:,} rows "
              f"{p['first_date']}..{p['last_date']}{failed}")
    if st.last_load:
        r = st.last_load
        print(f"  last load: {r['command']} from {r['sources']}, {r['symbols']} symbol(s), "
              f"{r['rows_inserted']:,} new and {r['rows_updated']:,} changed rows, finished "
              f"{r['finished_at']:%Y-%m-%d %H:%M} UTC (run {r['run_id']})")
    if st.last_check:
        r = st.last_check
        print(f"  last check: {r['command']} at {r['checked_at']:%Y-%m-%d %H:%M} UTC, "
              f"{r['claims']} claims, {r['changed']} changed (run {r['run_id']})")


def cmd_status(settings, args) -> int:
    from . import jobs
    st = jobs.status(settings)
    if args.json:
        print(json.dumps(st.as_dict(), indent=2, default=str))
    else:
        _print_status(st)
    if st.problem:
        _err(f"input error: {st.problem}")
        return EXIT_INPUT
    return EXIT_OK


def cmd_migrate(settings, args) -> int:
    from . import jobs
    st, outcome = jobs.migrate(settings, dry_run=args.dry_run)
    if args.dry_run:
        print("dry run: nothing changed; "
              + ("would apply " + ", ".join(m.label for m in outcome.migrated)
                 + " (tried on a private copy: they succeed)"
                 if outcome.migrated else "no migration pending"))
    elif outcome.migrated:
        print(f"applied {', '.join(m.label for m in outcome.migrated)}; published "
              f"{settings.warehouse} at schema version {st.schema.version}")
    else:
        print(f"{settings.warehouse} is at schema version {st.schema.version}: nothing to do")
    return EXIT_OK


def cmd_listings(settings, args) -> int:
    from . import proposals
    proposal = proposals.propose(settings)
    for line in proposal.lines():
        print(line)
    if not (proposal.added or proposal.closed):
        print("no candidate awaits review: nothing to propose")
    elif args.write:
        path = proposals.write(settings, proposal)
        print(f"wrote {len(proposal.added)} new and {len(proposal.closed)} closed row(s) to "
              f"{path}; review the diff before committing")
    return EXIT_OK


def cmd_claims(settings, args) -> int:
    from . import drafts
    path = Path(args.file)
    text = drafts.read_text(path)
    folder, rows = drafts.write(settings.seeds_dir, args.article, text, source=path.name,
                                force=args.force, path=path)
    suggested = sum(bool(r.query) for r in rows)
    print(f"wrote a DRAFT to {folder}: article.toml and claims.csv, {len(rows)} candidate "
          f"claim(s), {suggested} with a suggested query")
    for r in rows:
        s = r.statement
        print(f"  {r.id}  {r.query or '(no query suggested)'}  {s.kind} {s.text!r} "
              f"[{s.start}-{s.end}]")
    print("  not reviewed: fill in outlet, date and provenance in article.toml, and each row's "
          "query, params, measured, comparison and expected; until then load-seeds, run and "
          "check refuse the seeds (exit 2)")
    return EXIT_OK


WRITERS = {"run", "refresh", "load-seeds", "import-prices"}  # may create the default data/
COMMANDS = {"run": cmd_run, "refresh": cmd_refresh, "load-seeds": cmd_load_seeds,
            "check": cmd_check, "report": cmd_report, "import-prices": cmd_import_prices,
            "status": cmd_status, "migrate": cmd_migrate, "listings": cmd_listings,
            "claims": cmd_claims}

if __name__ == "__main__":
    sys.exit(main())
