"""Issue 23 part 2: the bundled stock load stages, checks and stores its files under a memory
limit of its own (warehouse.stocks.STOCK_MEMORY_MB), restores the build's limit after, and a
limit too small for the files is a failure of the machine (exit 3), not of the file (exit 2)."""

from __future__ import annotations

import shutil

import duckdb

from hkpipe.settings import hk_today
from hkpipe.warehouse import stocks
from tests.fakes.common import SEEDS
from tests.fakes.errors import file_bytes, one_line, run_cli


def fresh_copy(built, tmp_path):
    target = tmp_path / "w.duckdb"
    shutil.copyfile(built, target)
    con = duckdb.connect(str(target))
    con.execute("DELETE FROM pipeline_meta WHERE key LIKE 'stocks:%'")  # all changed
    return con


def test_the_load_runs_under_its_own_limit_and_restores_the_builds(built, tmp_path,
                                                                   monkeypatch):
    con = fresh_copy(built, tmp_path)
    default = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    seen = []
    stage = stocks._stage

    def spy(con, path):
        seen.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        stage(con, path)

    monkeypatch.setattr(stocks, "_stage", spy)
    monkeypatch.setattr(stocks, "STOCK_MEMORY_MB", 200)
    monkeypatch.setattr(stocks, "STOCK_THREAD_MEMORY_MB", 1)
    loads, _ = stocks.load_bundled(con, SEEDS, today=hk_today(), run_id="t", command="test")
    assert [s.skipped for s in loads] == [False, False]
    assert seen == ["190.7 MiB", "190.7 MiB"]  # 200 MB, as DuckDB reports it
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == default
    con.close()


def test_a_limit_too_small_for_the_files_exits_3_and_changes_nothing(built_settings, capsys,
                                                                      monkeypatch):
    monkeypatch.setattr(stocks, "STOCK_MEMORY_MB", 8)
    monkeypatch.setattr(stocks, "STOCK_THREAD_MEMORY_MB", 0)
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("DELETE FROM pipeline_meta WHERE key LIKE 'stocks:%'")  # to be loaded
    con.execute("CHECKPOINT")
    con.close()
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "load-seeds", "--warehouse", str(built_settings.warehouse))
    assert code == 3
    assert "out of memory while staging it" in one_line(err)
    assert file_bytes(built_settings.warehouse) == before
