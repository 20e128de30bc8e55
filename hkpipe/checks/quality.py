"""Great Expectations suites (``expectations/*.json``) over batches drawn from the warehouse.

Why pandas batches and not GX's SQL datasource: GX 1.x's generic SQL datasource on DuckDB
(duckdb-engine) fails every expectation because it closes the connection before fetching rows
(upstream issues #10738, #11579), and it would hold a lock on the warehouse file. So each batch
is a query in ``sql/quality/`` run on the warehouse (the XHKG calendar and its documented
exceptions are tables there), read into a DataFrame that GX validates with its pandas engine.

GX costs ~2.5 s to import. A suite's result is stored in ``dq_validations`` under a key that
hashes the batch content (computed inside DuckDB), the suite file, its parameters and the GX
version; a check whose batches have not changed reuses it without importing GX or building a
DataFrame. When something must be validated, GX is imported in a background thread while the
rest of the check runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd

from .. import sqlfiles
from ..seeds import TIERS
from ..settings import EXPECTATIONS_DIR, hk_today, utc_now
from . import CheckResult

MAX_EXAMPLES = 5
# GX's pandas engine holds several copies of a batch; a large prices table is validated in
# chunks of whole symbols (so per-symbol rules stay exact) to bound memory.
CHUNK_ROWS = 500_000


@dataclass
class Batch:
    """A suite and what it validates: a query in sql/quality/ or a ready frame."""

    suite: str
    parameters: dict = field(default_factory=dict)  # GX expectation parameters
    query: str | None = None
    sql_params: dict = field(default_factory=dict)  # bound parameters of the query
    frame: pd.DataFrame | None = None
    chunked: bool = False  # query takes $symbols and may be validated in chunks
    # query takes $since: only rows loaded after the last passing validation are validated;
    # this query (through, context) reads the mark, stored in pipeline_meta as dq:<suite>
    # (see ``Watermark``)
    watermark: str | None = None


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


# --- batches ---------------------------------------------------------------------------

def table_batches(today: date | None = None) -> list[Batch]:
    """The suites over warehouse tables; ``today`` (default ``settings.hk_today()``) is a GX
    parameter."""
    today = today or hk_today()
    return [
        Batch("prices", query="quality/prices_batch", sql_params={"symbols": None},
              chunked=True),
        Batch("prices_sessions", query="quality/missing_sessions"),
        Batch("new_economy_listings", query="quality/new_economy_listings_batch",
              # the tiers are seeds.TIERS, declared once
              parameters={"today_yyyymmdd": int(today.strftime("%Y%m%d")),
                          "tiers": list(TIERS)}),
        Batch("stock_prices", query="quality/stock_prices_batch", sql_params={"since": None},
              watermark="quality/stock_watermark"),
        # a warning suite: each move warns once (its watermark advances after a warning too)
        Batch("stock_moves", query="quality/stock_moves", sql_params={"since": None},
              watermark="quality/stock_watermark"),
    ]


def claim_results_batch(rows: list[dict], ledger_ids: list[str]) -> Batch:
    """The rows a check records; ``ledger_ids`` are the ledger's claim keys (article/claim)."""
    columns = ["measured", "verdict", "expected", "changed", "rounded_verdict"]
    frame = pd.DataFrame([{"claim_id": f"{r['article_id']}/{r['id']}",
                           **{c: r[c] for c in columns}} for r in rows],
                         columns=["claim_id", *columns])
    return Batch("claim_results", frame=frame,
                 parameters={"ledger_claims": len(ledger_ids), "ledger_ids": sorted(ledger_ids)})


def batch_frame(con: duckdb.DuckDBPyConnection, batch: Batch) -> pd.DataFrame:
    """The whole batch as one frame (for small batches and Data Docs)."""
    if batch.frame is None:
        batch.frame = con.sql(sqlfiles.query(batch.query), params=batch.sql_params).df()
    return batch.frame


def batch_chunks(con: duckdb.DuckDBPyConnection, batch: Batch):
    """Yield the batch as frames of at most ~CHUNK_ROWS rows (whole symbols each)."""
    if batch.frame is not None or not batch.chunked:
        yield batch_frame(con, batch)
        return
    sizes = con.execute(sqlfiles.query("quality/symbol_sizes")).fetchall()
    if sum(n for _, n in sizes) <= CHUNK_ROWS:
        yield batch_frame(con, batch)
        return
    chunk, rows = [], 0
    for symbol, n in sizes + [(None, CHUNK_ROWS + 1)]:
        if chunk and (rows + n > CHUNK_ROWS or symbol is None):
            yield con.sql(sqlfiles.query(batch.query),
                          params={**batch.sql_params, "symbols": chunk}).df()
            chunk, rows = [], 0
        if symbol is not None:
            chunk.append(symbol)
            rows += n


# --- validation with a result cache -----------------------------------------------------

def _empty(batch: Batch, content: str) -> bool:
    """Whether the batch whose content hash is ``content`` has no rows."""
    if batch.frame is not None:
        return batch.frame.empty
    return content.startswith("0:")


def _content_hash(con: duckdb.DuckDBPyConnection, batch: Batch) -> str:
    if batch.frame is not None:
        return hashlib.sha256(pd.util.hash_pandas_object(batch.frame, index=False)
                              .values.tobytes()).hexdigest()
    relation = con.sql(sqlfiles.query(batch.query), params=batch.sql_params)
    n, h = relation.aggregate(
        "count(*)::BIGINT, coalesce(sum(hash(*COLUMNS(*))::HUGEINT), 0)::VARCHAR"
    ).fetchall()[0]
    return f"{n}:{h}:{','.join(relation.columns)}:{','.join(map(str, relation.types))}"


def cache_key(batch: Batch, content: str) -> str:
    """The key of a stored result: the suite file, the GX version, the parameters and the
    batch's ``content`` (``_content_hash``)."""
    digest = hashlib.sha256()
    digest.update(suite_path(batch.suite).read_bytes())
    digest.update(version("great_expectations").encode())
    digest.update(json.dumps(batch.parameters, sort_keys=True, default=str).encode())
    digest.update(content.encode())
    return digest.hexdigest()


# Expectations that every row must meet (or pairs or sets of columns), which an empty batch
# meets vacuously; a table-level count holds on zero rows only as checked in _holds_on_empty.
_ROW_WISE = ("expect_column_values_to_", "expect_column_value_lengths_to_",
             "expect_column_pair_values_", "expect_compound_columns_to_be_unique",
             "expect_multicolumn_")


def holds_on_empty(suite: str, parameters: dict) -> int | None:
    """How many expectations ``suite`` has when every one holds on a batch of zero rows (so
    an empty incremental batch needs no GX run); None when any might not (a table count that
    zero does not meet, an aggregate such as a column mean, or an unresolved parameter)."""
    spec = json.loads(suite_path(suite).read_text(encoding="utf-8"))
    for e in spec["expectations"]:
        kind, kwargs = e["type"], e.get("kwargs", {})
        if kind.startswith(_ROW_WISE):
            continue
        values = {k: parameters.get(v["$PARAMETER"]) if isinstance(v, dict) else v
                  for k, v in kwargs.items() if k in ("value", "min_value", "max_value")}
        if kind == "expect_table_row_count_to_equal" and values.get("value") == 0:
            continue
        if (kind == "expect_table_row_count_to_be_between"
                and (values.get("min_value") or 0) <= 0 <= (values.get("max_value") or 0)):
            continue
        return None
    return len(spec["expectations"])


class Validation:
    """Validate batches with their suites, reusing stored results where the key matches.

    ``start`` looks up every key and, if any batch must be validated, starts importing GX in
    the background; ``finish`` validates what was not stored and returns one result a suite.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, batches: list[Batch]):
        self.con = con
        self.pending = list(batches)
        self.batches: list[Batch] = []
        self.keys: list[str] = []
        self.stored: list[tuple[bool, str] | None] = []
        self.marks: dict[int, Watermark] = {}  # batch index -> its incremental watermark
        self.vacuous: dict[int, tuple[bool, str]] = {}  # empty batches no expectation can fail

    def start(self) -> Validation:
        for batch in self.pending:
            self.add(batch)
        if any(s is None and i not in self.vacuous for i, s in enumerate(self.stored)):
            preload_gx()
        return self

    def add(self, batch: Batch) -> None:
        """Look up a batch's stored result (also for batches known only later, such as this
        run's claim results)."""
        if batch.watermark:
            self.marks[len(self.batches)] = Watermark.read(self.con, batch)
        content = _content_hash(self.con, batch)
        key = cache_key(batch, content)
        hit = self.con.execute(sqlfiles.query("load/dq_validation_lookup"),
                               {"suite": batch.suite, "cache_key": key}).fetchall()
        if not hit and _empty(batch, content):
            n = holds_on_empty(batch.suite, batch.parameters)
            if n is not None:  # nothing to validate: not a stored result, but no GX run
                self.vacuous[len(self.batches)] = (
                    True, f"{n} expectations passed on 0 rows (an empty batch: each holds "
                          "on no rows; GX not run)")
        self.batches.append(batch)
        self.keys.append(key)
        self.stored.append(tuple(hit[0]) if hit else None)

    def finish(self, *, store: bool) -> list[CheckResult]:
        todo = [i for i, s in enumerate(self.stored) if s is None and i not in self.vacuous]
        fresh = dict(self.vacuous)
        if todo:
            preload_gx().join()
            fresh.update(zip(todo, _run_gx(self.con, [self.batches[i] for i in todo]),
                             strict=True))
        results = []
        for i, batch in enumerate(self.batches):
            if i in fresh:
                success, detail = fresh[i]
                if store:
                    self.con.execute(sqlfiles.query("load/dq_validation_insert"), {
                        "suite": batch.suite, "cache_key": self.keys[i], "success": success,
                        "detail": detail, "validated_at": utc_now()})
            else:
                success, detail = self.stored[i]
                detail = f"{detail} (stored result, batch unchanged)"
            mark = self.marks.get(i)
            if mark is not None:
                detail = f"{detail}; {mark.describe()}"
                if store and (success or suite_severity(batch.suite) == "warning"):
                    # a failure keeps its rows in the next batch; a warning has been given
                    mark.advance(self.con)
            results.append(_result(batch, success, detail))
        return results


@dataclass
class Watermark:
    """How far an incremental batch's rows have passed validation: rows loaded up to
    ``through`` under the rules' context ``context`` (listings, calendar, the suite file, the
    batch query and the GX version). ``read`` sets the
    batch's $since to the stored mark when the context is unchanged, else to NULL (every
    row); ``advance`` stores the mark taken when the batch was read, after it passed."""

    key: str
    since: str | None
    through: str | None
    context: str

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, batch: Batch) -> Watermark:
        through, data = con.execute(sqlfiles.query(batch.watermark)).fetchall()[0]
        # the rules themselves are context too: a new or changed rule re-validates every row
        rules = hashlib.sha256(suite_path(batch.suite).read_bytes()
                               + sqlfiles.query(batch.query).encode()
                               + version("great_expectations").encode()).hexdigest()
        context = f"{data}:{rules}"
        key = f"dq:{batch.suite}"
        stored = con.execute(sqlfiles.query("load/meta_get"), {"key": key}).fetchall()
        mark = json.loads(stored[0][0]) if stored else {}
        since = mark.get("through") if mark.get("context") == context else None
        batch.sql_params = {**batch.sql_params, "since": since}
        return cls(key, since, None if through is None else str(through), context)

    def advance(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.through is not None:
            con.execute(sqlfiles.query("load/meta_set"), {"key": self.key, "value": json.dumps(
                {"through": self.through, "context": self.context})})

    def describe(self) -> str:
        return (f"rows loaded after {self.since} (earlier rows were validated before)" if self.since
                else "every stored row")


def _result(batch: Batch, success: bool, detail: str) -> CheckResult:
    """A suite whose meta says severity "warning" lists what it found but never fails."""
    if suite_severity(batch.suite) == "warning":
        return CheckResult(f"gx:{batch.suite}", True, detail, warning=not success)
    return CheckResult(f"gx:{batch.suite}", success, detail)


def suite_severity(name: str) -> str:
    meta = json.loads(suite_path(name).read_text(encoding="utf-8")).get("meta", {})
    return meta.get("severity", "error")


def validate(con: duckdb.DuckDBPyConnection, batches: list[Batch], *, store: bool
             ) -> list[CheckResult]:
    """Validate each batch with its suite, reusing stored results where the key matches."""
    return Validation(con, list(batches)).start().finish(store=store)


_PRELOAD: threading.Thread | None = None


def preload_gx() -> threading.Thread:
    """Start importing GX in a background thread (once per process); join it before use.

    The import is mostly Python, so it competes for the GIL, but the main thread spends much
    of a build inside DuckDB, which releases it.
    """
    global _PRELOAD
    if _PRELOAD is None:
        _PRELOAD = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
        _PRELOAD.start()
    return _PRELOAD


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401  (warms the import for the main thread)


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


def _run_gx(con: duckdb.DuckDBPyConnection, batches: list[Batch]) -> list[tuple[bool, str]]:
    ctx = gx_context()
    source = ctx.data_sources.add_pandas("hkpipe")
    out = []
    for batch in batches:
        definition = (source.add_dataframe_asset(batch.suite)
                      .add_batch_definition_whole_dataframe("whole"))
        suite = load_suite(batch.suite)
        parts = []
        for frame in batch_chunks(con, batch):
            gx_batch = definition.get_batch(batch_parameters={"dataframe": frame})
            result = gx_batch.validate(suite, expectation_parameters=batch.parameters)
            parts.append((*summarise(result, batch, frame), len(frame), len(result.results)))
        out.append(_merge(parts))
    return out


def _merge(parts: list[tuple[bool, str, int, int]]) -> tuple[bool, str]:
    """One result from a batch's chunks."""
    if len(parts) == 1:
        return parts[0][:2]
    rows = sum(p[2] for p in parts)
    failed = [detail for ok, detail, _, _ in parts if not ok]
    if not failed:
        return True, f"{parts[0][3]} expectations passed on {rows} rows ({len(parts)} chunks)"
    return False, f"{len(failed)} of {len(parts)} chunks failed: " + " | ".join(failed)


def _examples(r, frame: pd.DataFrame) -> str:
    """Up to MAX_EXAMPLES offending values, with symbol and date where the batch has them."""
    shown = (r.result.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]
    index = (r.result.get("partial_unexpected_index_list") or [])[:MAX_EXAMPLES]
    keys = [c for c in ("symbol", "trade_date", "stock_code", "listing_date", "claim_id",
                        "bad_days") if c in frame.columns]
    if keys and len(index) == len(shown):
        return ", ".join(" ".join(str(frame.at[i, k]) for k in keys) + f" {v}"
                         for i, v in zip(index, shown, strict=True))
    return ", ".join(map(str, shown))


def summarise(result, batch: Batch, frame: pd.DataFrame) -> tuple[bool, str]:
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
            why = f"{r.result['unexpected_count']} unexpected, e.g. {_examples(r, frame)}"
        else:
            rows = "; ".join(" ".join(map(str, row)) for row in
                             frame.head(MAX_EXAMPLES).itertuples(index=False))
            why = f"observed {r.result.get('observed_value')}" + (f", e.g. {rows}"
                                                                  if rows else "")
        failures.append(f"{cfg.type} [{rule}]: {why}")
    total = len(result.results)
    if not failures:
        return True, f"{total} expectations passed on {len(frame)} rows"
    return False, f"{len(failures)} of {total} expectations failed: " + "; ".join(failures)
