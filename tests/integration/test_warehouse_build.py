"""The walking skeleton: bundled snapshot -> warehouse, idempotent, with correct views."""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from hkpipe import jobs
from hkpipe.errors import InputError
from tests.fakes.common import SEEDS, checksums, query

DATA_TABLES = ["prices", "indexes"]


def test_run_loads_every_snapshot_row(built):
    for symbol, name in [("^HSI", "HSI.csv"), ("HSTECH.HK", "HSTECH.csv")]:
        with open(SEEDS / "prices" / name, newline="") as fh:
            rows = list(csv.DictReader(fh))
        (n, first, last), = query(built, "SELECT count(*), min(trade_date)::VARCHAR, "
                                  "max(trade_date)::VARCHAR FROM prices WHERE symbol = ?",
                                  [symbol])
        assert (n, first, last) == (len(rows), rows[0]["date"], rows[-1]["date"])


def test_hsi_volume_column_is_stored_as_turnover(built):
    # The HSI file's volume is HKEX market turnover in HKD (PROVENANCE.md): 2024-10-02 was
    # reported as "HK$434 billion".
    (volume, turnover), = query(built, "SELECT volume, turnover_hkd FROM prices WHERE "
                                "symbol = '^HSI' AND trade_date = DATE '2024-10-02'")
    assert volume is None
    assert turnover == 434_017_310_020


def test_second_run_changes_no_data_row(built_settings):
    settings = built_settings  # the first run: the session's built warehouse
    before = checksums(settings.warehouse, DATA_TABLES)
    outcome = jobs.run(settings)
    assert checksums(settings.warehouse, DATA_TABLES) == before
    assert all(r.rows_inserted == 0 and r.rows_updated == 0 for r in outcome.loads)
    assert {r.rows_unchanged for r in outcome.loads} == {9782, 2427}
    # the run history grows by design: one row per symbol per run, and one per bundled stock
    # file the first run loaded (the second found them unchanged)
    assert query(settings.warehouse, "SELECT count(*) FROM load_runs")[0][0] == 4 + 2


def copy_seeds(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def test_revised_row_is_updated_and_only_it_is_restamped(built_settings, tmp_path):
    before = dict(query(built_settings.warehouse, "SELECT trade_date::VARCHAR, loaded_at "
                        "FROM prices WHERE symbol = '^HSI'"))
    seeds = copy_seeds(tmp_path)
    hsi = seeds / "prices" / "HSI.csv"
    df = pd.read_csv(hsi, dtype=str, keep_default_na=False)
    df.loc[df["date"] == "2026-08-20", ["open", "high", "low", "close"]] = "25000.00"
    df.to_csv(hsi, index=False)
    outcome = jobs.refresh(replace(built_settings, seeds_dir=seeds))
    hsi_load = next(r for r in outcome.loads if r.symbol == "^HSI")
    assert (hsi_load.rows_inserted, hsi_load.rows_updated, hsi_load.rows_unchanged) == \
        (0, 1, 9781)
    after = dict(query(built_settings.warehouse, "SELECT trade_date::VARCHAR, loaded_at "
                       "FROM prices WHERE symbol = '^HSI'"))
    assert {d for d in after if after[d] != before[d]} == {"2026-08-20"}


def independent_first_day_changes(csv_path) -> dict[int, tuple[str, str, float]]:
    """First trading day per year and its change, computed with the csv module alone."""
    with open(csv_path, newline="") as fh:
        rows = [(r["date"], float(r["close"])) for r in csv.DictReader(fh)]
    out = {}
    for (prev_day, prev_close), (day, close) in zip(rows, rows[1:], strict=False):
        if day[:4] != prev_day[:4]:
            out[int(day[:4])] = (day, prev_day, (close / prev_close - 1) * 100)
    return out


def test_first_trading_day_view_matches_hand_computation_every_year(built):
    expected = {y: v for y, v in independent_first_day_changes(SEEDS / "prices" / "HSI.csv")
                .items() if y >= 1988}
    got = {y: (d, p, pct) for y, d, p, pct in query(
        built, "SELECT year, trade_date::VARCHAR, prev_trade_date::VARCHAR, pct_change "
               "FROM first_trading_day_returns WHERE symbol = '^HSI' AND year >= 1988")}
    assert set(got) == set(range(1988, 2027)) == set(expected)
    for year in expected:
        assert got[year][:2] == expected[year][:2]
        assert got[year][2] == pytest.approx(expected[year][2], abs=1e-9)


def test_first_trading_day_known_values(built):
    # Published in PROVENANCE.md and by Xinhua ("up 2.76 percent to close at 26,338.47").
    rows = dict((y, (d, round(p, 2))) for y, d, p in query(
        built, "SELECT year, trade_date::VARCHAR, pct_change FROM first_trading_day_returns "
               "WHERE symbol = '^HSI' AND year IN (2013, 2016, 2026)"))
    assert rows == {2013: ("2013-01-02", 2.89), 2016: ("2016-01-04", -2.68),
                    2026: ("2026-01-02", 2.76)}


def test_every_table_view_and_column_has_a_comment(built):
    missing = query(built, """
        SELECT table_name FROM duckdb_tables() WHERE comment IS NULL AND schema_name = 'main'
        UNION ALL
        SELECT view_name FROM duckdb_views() WHERE comment IS NULL AND NOT internal
              AND schema_name = 'main'
        UNION ALL
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE comment IS NULL AND schema_name = 'main' AND NOT internal""")
    assert missing == []


def test_bad_seed_rejects_whole_run_and_keeps_warehouse(built_settings, tmp_path):
    seeds = copy_seeds(tmp_path)
    hsi = seeds / "prices" / "HSI.csv"
    lines = hsi.read_text().splitlines()
    lines[100] = lines[100].replace(lines[100].split(",")[4], "12x4.5", 1)
    hsi.write_text("\n".join(lines) + "\n")
    before = checksums(built_settings.warehouse)
    with pytest.raises(InputError) as err:
        jobs.run(replace(built_settings, seeds_dir=seeds))
    assert err.value.line == 101 and err.value.field == "close"
    assert "HSI.csv" in str(err.value)
    assert checksums(built_settings.warehouse) == before
