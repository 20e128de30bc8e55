"""Great Expectations suites (``expectations/*.json``) over batches drawn from the warehouse.

Why pandas batches and not GX's SQL datasource: GX 1.x's generic SQL datasource on DuckDB
(duckdb-engine) fails every expectation because it closes the connection before fetching rows
(upstream issues #10738, #11579), and it would hold a lock on the warehouse file. So each batch
is a DataFrame read from the build connection with a SQL file in ``sql/quality/``, and GX
validates it with its pandas engine. Derived columns (the XHKG calendar, documented moves) are
added in Python where SQL cannot see the calendar.

GX costs ~2.5 s to import. A suite's result is stored in ``dq_validations`` under a key that
hashes the batch content, the suite file, its parameters and the GX version; a check whose
batches have not changed reuses it without importing GX.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd

from .. import calendar, sqlfiles
from ..load import utc_now
from ..prices import hk_today
from ..settings import EXPECTATIONS_DIR
from . import CheckResult

MAX_EXAMPLES = 5


@dataclass
class Batch:
    suite: str
    frame: pd.DataFrame
    parameters: dict
    note: str = ""


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


# --- batches ---------------------------------------------------------------------------

def _documented(frame: pd.DataFrame, kinds: tuple[str, ...], date_col: str) -> pd.Series:
    """True where (symbol, date) is listed under one of ``kinds`` for that symbol or '*'."""
    ex = calendar.exceptions()
    ex = ex[ex["kind"].isin(kinds)]
    days = ex["date"].map(date.isoformat)
    pairs = set(ex["symbol"] + "|" + days)
    everywhere = set(days[ex["symbol"] == "*"])
    return (frame["symbol"] + "|" + frame[date_col]).isin(pairs) | frame[date_col].isin(
        everywhere)


def prices_batches(con: duckdb.DuckDBPyConnection) -> list[Batch]:
    frame = con.execute(sqlfiles.query("quality/prices_batch")).df()
    frame["documented_move"] = _documented(frame, ("large_move",), "trade_date")
    ex = calendar.exceptions()
    allowed = set(ex.loc[ex["kind"] == "extra_session", "date"].map(date.isoformat))
    missing = []
    for symbol, first, last, stored in con.execute(
            sqlfiles.query("quality/price_ranges")).fetchall():
        expected = calendar.sessions(first, last).strftime("%Y-%m-%d")
        allowed.update(expected)
        gone = expected.difference(pd.Index([d.isoformat() for d in stored]))
        missing.append(pd.DataFrame({"symbol": symbol, "session": gone.astype(str)}))
    missing_frame = pd.concat(missing, ignore_index=True) if missing else pd.DataFrame(
        columns=["symbol", "session"])
    missing_frame = missing_frame[~_documented(
        missing_frame, ("closure", "calendar_gap", "data_gap"), "session")]
    examples = ", ".join(f"{s} {d}" for s, d in missing_frame.head(MAX_EXAMPLES)
                         .itertuples(index=False))
    return [
        Batch("prices", frame, {"xhkg_days": sorted(allowed)}),
        Batch("prices_sessions", missing_frame.reset_index(drop=True), {},
              note=f"missing: {examples}" if len(missing_frame) else ""),
    ]


def listings_batch(con: duckdb.DuckDBPyConnection, today: date | None = None) -> Batch:
    frame = con.execute(sqlfiles.query("quality/new_economy_listings_batch")).df()
    today = today or hk_today()
    return Batch("new_economy_listings", frame,
                 {"today_yyyymmdd": int(today.strftime("%Y%m%d"))})


def claim_results_batch(rows: list[dict], ledger_ids: list[str]) -> Batch:
    columns = ["claim_id", "measured", "verdict", "expected", "changed", "rounded_verdict"]
    frame = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
    return Batch("claim_results", frame,
                 {"ledger_claims": len(ledger_ids), "ledger_ids": sorted(ledger_ids)})


# --- validation with a result cache -----------------------------------------------------

def cache_key(batch: Batch) -> str:
    digest = hashlib.sha256()
    digest.update(suite_path(batch.suite).read_bytes())
    digest.update(version("great_expectations").encode())
    digest.update(json.dumps(batch.parameters, sort_keys=True, default=str).encode())
    digest.update(",".join(f"{c}:{t}" for c, t in batch.frame.dtypes.items()).encode())
    digest.update(pd.util.hash_pandas_object(batch.frame, index=False).values.tobytes())
    return digest.hexdigest()


def validate(con: duckdb.DuckDBPyConnection, batches: list[Batch], *, store: bool
             ) -> list[CheckResult]:
    """Validate each batch with its suite, reusing stored results where the key matches."""
    results: list[CheckResult | None] = []
    todo = []
    for batch in batches:
        key = cache_key(batch)
        hit = con.execute(sqlfiles.query("load/dq_validation_lookup"),
                          {"suite": batch.suite, "cache_key": key}).fetchall()
        if hit:
            success, detail = hit[0]
            results.append(CheckResult(f"gx:{batch.suite}", success,
                                       f"{detail} (stored result, batch unchanged)"))
        else:
            results.append(None)
            todo.append((len(results) - 1, batch, key))
    if todo:
        fresh = _run_gx([b for _, b, _ in todo])
        for (i, batch, key), (success, detail) in zip(todo, fresh, strict=True):
            results[i] = CheckResult(f"gx:{batch.suite}", success, detail)
            if store:
                con.execute(sqlfiles.query("load/dq_validation_insert"), {
                    "suite": batch.suite, "cache_key": key, "success": success,
                    "detail": detail, "validated_at": utc_now()})
    return results


def load_suite(name: str):
    from great_expectations.core.expectation_suite import ExpectationSuite

    spec = json.loads(suite_path(name).read_text(encoding="utf-8"))
    return ExpectationSuite(name=spec["name"], expectations=spec["expectations"],
                            meta=spec.get("meta", {}))


def gx_context(mode: str = "ephemeral", project_root_dir: Path | None = None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    kwargs = {"project_root_dir": str(project_root_dir)} if project_root_dir else {}
    ctx = gx.get_context(mode=mode, **kwargs)
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def _run_gx(batches: list[Batch]) -> list[tuple[bool, str]]:
    ctx = gx_context()
    source = ctx.data_sources.add_pandas("hkpipe")
    out = []
    for batch in batches:
        definition = (source.add_dataframe_asset(batch.suite)
                      .add_batch_definition_whole_dataframe("whole"))
        gx_batch = definition.get_batch(batch_parameters={"dataframe": batch.frame})
        result = gx_batch.validate(load_suite(batch.suite),
                                   expectation_parameters=batch.parameters)
        out.append(summarise(result, batch))
    return out


def summarise(result, batch: Batch) -> tuple[bool, str]:
    """(success, one-line detail naming each failed expectation with examples)."""
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        rule = (cfg.meta or {}).get("rule", "")
        if r.exception_info.get("raised_exception"):
            why = f"error: {r.exception_info.get('exception_message')}"
        elif "unexpected_count" in r.result:
            shown = r.result.get("partial_unexpected_list") or []
            why = (f"{r.result['unexpected_count']} unexpected, e.g. "
                   f"{', '.join(map(str, shown[:MAX_EXAMPLES]))}")
        else:
            why = f"observed {r.result.get('observed_value')}"
        failures.append(f"{cfg.type} [{rule}]: {why}")
    total = len(result.results)
    if not failures:
        return True, f"{total} expectations passed on {len(batch.frame)} rows"
    note = f"; {batch.note}" if batch.note else ""
    return False, (f"{len(failures)} of {total} expectations failed: " + "; ".join(failures)
                   + note)
