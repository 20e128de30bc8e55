"""Reads of the published warehouse that steps need before or after a build: where each
series' stored data ends, the recorded claim verdicts of a run, and a connection at this
code's schema version. Each opens the file read-only, so analysts' readers are not disturbed,
and refuses a warehouse this code must not write (``migrations.verify``) before anything is
fetched."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import sqlfiles
from . import migrations
from .publish import connect_read_only

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def _verified(path: Path):
    con = connect_read_only(path)
    try:
        state = migrations.read_state(con)
        migrations.verify(state, path)  # before fetching anything
        yield con, state
    finally:
        con.close()


def last_stored(path: Path) -> dict[str, date]:
    """symbol -> the last day stored in ``prices`` (nothing for a missing or empty file)."""
    if not Path(path).exists():
        return {}
    with _verified(path) as (con, state):
        if not (state.applied or state.legacy):
            return {}  # an empty file: nothing stored yet
        return as_of(con)


def as_of(con) -> dict[str, date]:
    """symbol -> the last day stored in ``prices``, on an open connection."""
    return dict(con.execute(sqlfiles.query("load/last_stored")).fetchall())


def recent_stock_days(path: Path, names: tuple[str, ...], sessions: int
                      ) -> dict[str, dict[tuple[str, date], tuple[tuple, ...]]]:
    """source -> (stock_code, listing_date) -> (day, close, adj_close) of its last
    ``sessions`` stored days, oldest first: where a refresh starts and what tells a
    rewritten history from the next answer (``ingest.fetch.rewritten``)."""
    out: dict = {s: {} for s in names}
    if not Path(path).exists():
        return out
    with _verified(path) as (con, _):
        tables = {r[0] for r in con.execute(sqlfiles.query("meta/base_tables")).fetchall()}
        if "stock_prices" not in tables:
            return out  # the build's migration adds it
        for name in names:
            rows = con.execute(sqlfiles.query("load/stock_recent_stored"),
                               {"source": name, "n": sessions}).fetchall()
            for code, listing, day, close, adj_close in rows:
                out[name].setdefault((code, listing), []).append((day, close, adj_close))
    return {s: {k: tuple(v) for k, v in d.items()} for s, d in out.items()}


def last_stock_days(recent: dict) -> dict[str, dict[tuple[str, date], date]]:
    """source -> (stock_code, listing_date) -> the last day stored from that source."""
    return {s: {k: rows[-1][0] for k, rows in d.items()} for s, d in recent.items()}


def claim_result_rows(con, run_id: str) -> list[dict]:
    """The claim verdicts ``run_id`` recorded in ``claim_results``, one dict a claim."""
    return sqlfiles.records(con, "report/claim_results_of_run", {"run_id": run_id})


def claim_sweep_rows(con, run_id: str) -> list[dict]:
    """The claim sweep summaries ``run_id`` recorded in ``claim_sweeps``, one dict a claim."""
    return sqlfiles.records(con, "report/claim_sweeps_of_run", {"run_id": run_id})


def open_current(path: Path):
    """A read-only connection to a whole warehouse (``publish.verify_whole``) at exactly this
    code's schema version."""
    con = connect_read_only(path, verify=True)
    try:
        migrations.require_current(con, path)
    except BaseException:
        con.close()
        raise
    return con


def candidate_listings(path: Path) -> pd.DataFrame:
    """The candidate listings awaiting review in the published warehouse, as listings to
    refresh: stock_code, listing_date (the first stored session, else the day its own bars
    start) and candidate. Empty when the warehouse has no discovery tables yet."""
    import pandas as pd

    empty = pd.DataFrame({"stock_code": [], "listing_date": [], "candidate": []})
    if not Path(path).exists():
        return empty
    with _verified(path) as (con, _):
        tables = {r[0] for r in con.execute(sqlfiles.query("meta/base_tables")).fetchall()}
        if "listing_candidate_log" not in tables:
            return empty
        frame = con.execute(sqlfiles.query("report/listing_candidates_to_refresh")).df()
    frame["candidate"] = True
    return frame
