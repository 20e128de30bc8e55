"""Every write into a build connection (``publish.build``): price upserts with run records, a
universe refresh's stocks and failures, seed tables, and the source registry the SQL rules
read. Nothing here commits on its own: a failed build publishes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from .. import sources, sqlfiles
from ..prices import PRICE_COLUMNS
from ..settings import utc_now


@dataclass(frozen=True)
class LoadResult:
    symbol: str
    source: str
    rows_received: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_kept: int
    first_date: date | None
    last_date: date | None

    def describe(self) -> str:
        span = f"{self.first_date}..{self.last_date}" if self.first_date else "no rows"
        kept = (f"; {self.rows_kept} not the day's price (a source of higher precedence "
                "has it)" if self.rows_kept else "")
        return (f"{self.symbol} from {self.source}: {self.rows_received} rows {span}; "
                f"{self.rows_inserted} new, {self.rows_updated} updated, "
                f"{self.rows_unchanged} unchanged{kept}")


def upsert_prices(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, source: str,
                  run_id: str, command: str) -> list[LoadResult]:
    """Store a validated price frame as ``source``'s observations, re-resolve the days it
    touches in ``prices`` (precedence: ``source_rank``), and record one ``load_runs`` row per
    symbol.

    Set-based: the batch is staged once and classified against this source's stored
    observations; new ones are inserted and changed ones updated, one statement each; the
    touched days are resolved in one grouping, then inserted or updated (a first load of its
    symbols skips the resolution: each row is its day's only observation). Observations that did
    not change beyond rounding noise, and resolved rows that did not change, are not written.
    """
    started = utc_now()
    con.register("price_batch", frame[PRICE_COLUMNS])
    try:
        con.execute(sqlfiles.query("load/prices_stage"), {"source": source})
    finally:
        con.unregister("price_batch")
    con.execute(sqlfiles.query("load/observations_classify"))
    counts = con.execute(sqlfiles.query("load/observations_counts")).fetchall()
    stamp = {"loaded_at": started}
    first_load = con.execute(sqlfiles.query("load/first_load"), {"source": source}
                             ).fetchone()[0]
    if any(row[2] for row in counts):  # new observations
        con.execute(sqlfiles.query("load/observations_insert"), stamp)
    if any(row[3] for row in counts):  # changed observations
        con.execute(sqlfiles.query("load/observations_update"), stamp)
    kept: dict[str, int] = {}
    if first_load:  # every row is its day's only observation: it is the price
        con.execute(sqlfiles.query("load/prices_insert_staged"), stamp)
    elif any(row[2] or row[3] for row in counts):
        # plain insert and update, no upsert: a load of millions of rows stays within a
        # capped memory (benchmarks/market_scale.py)
        con.execute(sqlfiles.query("load/prices_resolve"))
        con.execute(sqlfiles.query("load/prices_insert"), stamp)
        con.execute(sqlfiles.query("load/prices_update"), stamp)
        con.execute("DROP TABLE stage_resolved")
    if not first_load:
        kept = dict(con.execute(sqlfiles.query("load/prices_kept")).fetchall())
    con.execute("DROP TABLE stage_prices")
    con.execute("DROP TABLE stage_changes")
    finished = utc_now()
    results = [LoadResult(symbol, source, received, inserted, updated, unchanged,
                          kept.get(symbol, 0), first, last)
               for symbol, received, inserted, updated, unchanged, first, last in counts]
    if results:  # one insert for every symbol's run record
        con.register("load_run_batch", pd.DataFrame(
            [(r.symbol, r.rows_received, r.rows_inserted, r.rows_updated, r.rows_unchanged,
              r.rows_kept, r.first_date, r.last_date) for r in results],
            columns=["symbol", "rows_received", "rows_inserted", "rows_updated",
                     "rows_unchanged", "rows_kept", "first_date", "last_date"]))
        try:
            con.execute(sqlfiles.query("load/load_runs_insert_batch"), {
                "run_id": run_id, "command": command, "source": source,
                "started_at": started, "finished_at": finished})
        finally:
            con.unregister("load_run_batch")
    return results


def replace_seed(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Replace a seed table's rows with ``frame`` (via ``sql/load/seed_<table>.sql``)."""
    con.register("seed_batch", frame)
    try:
        con.execute(sqlfiles.query(f"load/seed_{table}"))
    finally:
        con.unregister("seed_batch")
    return len(frame)


def store_stocks(con: duckdb.DuckDBPyConnection, result, *, run_id: str, command: str
                 ) -> list[LoadResult]:
    """Upsert each source's stock rows of a settled universe fetch (``ingest.settle.
    UniverseResult``) and record its failures in ``load_failures``."""
    loads = []
    for p in result.rebased:
        con.execute(sqlfiles.query("load/stock_delete_listing_source"), {
            "source": p.source, "stock_code": p.stock_code, "listing_date": p.listing_date})
    for source in result.frames:
        started = utc_now()
        con.register("stock_batch", result.batch(source))
        try:
            received, inserted, updated, unchanged, first, last = con.execute(
                sqlfiles.query("load/stock_batch_counts"), {"source": source}).fetchall()[0]
            con.execute(sqlfiles.query("load/stock_live_upsert"),
                        {"source": source, "loaded_at": started})
        finally:
            con.unregister("stock_batch")
        con.execute(sqlfiles.query("load/load_runs_insert"), {
            "run_id": run_id, "command": command, "source": source, "symbol": "stocks",
            "rows_received": received, "rows_inserted": inserted, "rows_updated": updated,
            "rows_unchanged": unchanged, "rows_kept": 0, "first_date": first,
            "last_date": last, "started_at": started, "finished_at": utc_now()})
        loads.append(LoadResult("stocks", source, received, inserted, updated, unchanged, 0,
                                first, last))
    if result.failures:
        con.register("failure_batch", result.failure_rows())
        try:
            con.execute(sqlfiles.query("load/load_failures_insert"),
                        {"run_id": run_id, "command": command})
        finally:
            con.unregister("failure_batch")
    return loads


REGISTRY_COLUMNS = ("source", "is_prefix", "label", "serves", "live", "registry_column",
                    "price_basis", "price_rank", "debut_rank", "return_rank", "return_basis",
                    "is_exchange")


def sync_sources(con: duckdb.DuckDBPyConnection) -> bool:
    """Write the source registry (``hkpipe.sources``) into ``source_registry`` when it changed:
    the precedence, labels and bases the SQL rules and ``hkpipe status`` read. True when
    written. A source of no prices (the List of Securities) has no precedence: not a row."""
    rows = [(s.name, s.is_prefix, s.label, ",".join(sorted(s.serves)), s.live, s.column,
             s.price_basis, s.price_rank, s.debut_rank, s.return_rank, s.return_basis,
             s.is_exchange) for s in sources.all_sources().values() if s.price_basis]
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    stored = con.execute(sqlfiles.query("load/meta_get"), {"key": "sources"}).fetchall()
    if stored and stored[0][0] == digest:
        return False
    con.register("source_batch", pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS)))
    try:
        con.execute(sqlfiles.query("load/source_registry_replace"))
    finally:
        con.unregister("source_batch")
    con.execute(sqlfiles.query("load/meta_set"), {"key": "sources", "value": digest})
    return True


def record_claims(con: duckdb.DuckDBPyConnection, rows: list[dict], *, run_id: str,
                  command: str) -> None:
    """Store a check's claim verdicts (``ClaimResult.as_dict`` rows) in ``claim_results``."""
    checked_at = utc_now()  # wall clock: when this check really ran (see utc_now)
    for r in rows:
        con.execute(sqlfiles.query("load/claim_results_insert"), {
            "run_id": run_id, "checked_at": checked_at, "command": command,
            "data_as_of": r["data_as_of"], "article_id": r["article_id"],
            "claim_id": r["id"], "statement": r["statement"],
            "measured_item": r["measured_item"], "measured": r["measured"],
            "measured_detail": r["measured_detail"], "comparison": r["comparison"],
            "verdict": r["verdict"], "expected": r["expected"], "changed": r["changed"],
            "rounded_comparison": r["rounded_comparison"],
            "rounded_verdict": r["rounded_verdict"],
            "evidence": json.dumps(r["evidence"]), "note": r["note"],
            "ledger_sha256": r.get("ledger_sha256")})


def record_sweeps(con: duckdb.DuckDBPyConnection, sweeps: list, *, run_id: str) -> None:
    """Store a check's claim sweeps (``checks.sweeps.Sweep``): a summary row per claim in
    ``claim_sweeps`` and its variants in ``claim_variants``, in one insert."""
    checked_at = utc_now()
    for s in sweeps:
        row = s.as_dict()
        del row["agree_share"]  # the view derives it
        con.execute(sqlfiles.query("load/claim_sweeps_insert"),
                    {"run_id": run_id, "checked_at": checked_at, **row})
    rows = [{"article_id": s.claim.article_id, "claim_id": s.claim.id, "variant": i,
             "varied": "; ".join(f"{k}={v}" for k, v in variant.params.items()),
             "params": json.dumps(variant.params, default=str),
             "measured": variant.measured, "verdict": variant.verdict}
            for s in sweeps for i, variant in enumerate(s.variants)]
    if not rows:
        return
    con.register("variant_batch", pd.DataFrame(rows))
    try:
        con.execute(sqlfiles.query("load/claim_variants_insert"), {"run_id": run_id})
    finally:
        con.unregister("variant_batch")
