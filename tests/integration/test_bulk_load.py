"""Issue 23 part 1: a large first load of many symbols (upsert_prices) keeps the declared keys
of prices and price_observations, records one load run per symbol in its single insert, and a
batch that repeats a key is refused with nothing published."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from hkpipe import calendar, warehouse
from hkpipe.prices import PRICE_COLUMNS
from hkpipe.warehouse import writes
from tests.fakes.errors import file_bytes, no_build_files

KEYS = {"prices": ["symbol", "trade_date"],
        "price_observations": ["symbol", "trade_date", "source"]}


def market(symbols: int, days: int) -> pd.DataFrame:
    dates = calendar.sessions("2015-01-02", "2025-12-31")[:days]
    frame = pd.DataFrame({
        "symbol": [f"{i:05d}.HK" for i in range(1, symbols + 1) for _ in dates],
        "trade_date": list(dates) * symbols,
    })
    frame["close"] = 10.0 + frame.index % 97
    for column in PRICE_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[PRICE_COLUMNS]


def primary_keys(con) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type = 'PRIMARY KEY' AND table_name IN ('prices', "
        "'price_observations')").fetchall()
    return {table: list(columns) for table, columns in rows}


def test_a_large_first_load_keeps_the_declared_keys_and_records_each_symbol(built_settings):
    frame = market(symbols=40, days=500)
    with warehouse.build(built_settings.warehouse) as con:
        results = writes.upsert_prices(con, frame, source="synthetic", run_id="bulk",
                                       command="bench")
    assert [r.rows_inserted for r in results] == [500] * 40
    con = warehouse.connect_read_only(built_settings.warehouse)
    try:
        assert primary_keys(con) == KEYS
        runs = con.execute(
            "SELECT symbol, rows_received, rows_inserted, rows_updated, rows_unchanged, "
            "rows_kept, first_date, last_date FROM load_runs WHERE run_id = 'bulk' "
            "ORDER BY symbol").fetchall()
        stored = con.execute("SELECT count(*) FROM prices WHERE source = 'synthetic'"
                             ).fetchone()[0]
    finally:
        con.close()
    first, last = frame["trade_date"].min().date(), frame["trade_date"].max().date()
    assert runs == [(f"{i:05d}.HK", 500, 500, 0, 0, 0, first, last) for i in range(1, 41)]
    assert stored == 40 * 500


def test_a_repeated_key_in_a_large_batch_is_refused_and_nothing_is_published(built_settings):
    frame = market(symbols=40, days=500)
    frame = pd.concat([frame, frame.iloc[[12_345]]], ignore_index=True)  # a key twice
    before = file_bytes(built_settings.warehouse)
    with pytest.raises(duckdb.ConstraintException, match="(?i)duplicate key"):
        with warehouse.build(built_settings.warehouse) as con:
            writes.upsert_prices(con, frame, source="synthetic", run_id="bulk",
                                 command="bench")
    assert file_bytes(built_settings.warehouse) == before
    assert no_build_files(built_settings.warehouse)
