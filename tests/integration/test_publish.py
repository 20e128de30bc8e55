"""Atomic publishing in one process: a failed build leaves the live file and no leftovers, a
killed run's build files are removed, a second writer waits then refuses, bad paths are refused
untouched, and the storage format stays readable by DuckDB 1.4. (Reader processes:
tests/system/test_publish.py.)"""

from __future__ import annotations

import pytest

from hkpipe import jobs, warehouse
from hkpipe.errors import InputError, WarehouseBusy
from tests.fakes.common import checksums, query


def test_failed_build_leaves_live_file_and_no_leftovers(built_settings):
    before = checksums(built_settings.warehouse)
    with pytest.raises(RuntimeError):
        with warehouse.build(built_settings.warehouse) as con:
            con.execute("DELETE FROM prices")
            raise RuntimeError("boom")
    assert checksums(built_settings.warehouse) == before
    leftovers = [p.name for p in built_settings.warehouse.parent.iterdir()
                 if p.name.startswith(".warehouse.duckdb.building")]
    assert leftovers == []


def test_stale_build_files_from_a_killed_run_are_removed(built_settings):
    stale = built_settings.warehouse.parent / ".warehouse.duckdb.building-999999-deadbeef"
    stale.write_bytes(b"half a database")
    jobs.refresh(built_settings)
    assert not stale.exists()


def test_second_writer_waits_then_refuses_with_a_clear_message(built_settings):
    with warehouse.write_lock(built_settings.warehouse, timeout=1):
        with pytest.raises(WarehouseBusy, match="another hkpipe command is writing"):
            with warehouse.build(built_settings.warehouse, lock_timeout=0.3):
                pass


def test_warehouse_that_is_not_duckdb_is_rejected_untouched(settings):
    settings.warehouse.write_text("date,close\n2024-01-02,1\n")
    with pytest.raises(InputError, match="not a DuckDB database file"):
        jobs.run(settings)
    assert settings.warehouse.read_text() == "date,close\n2024-01-02,1\n"


def test_warehouse_in_missing_folder_is_rejected(settings, tmp_path):
    from dataclasses import replace
    s = replace(settings, warehouse=tmp_path / "nope" / "w.duckdb")
    with pytest.raises(InputError, match="does not exist"):
        jobs.run(s)
    assert not (tmp_path / "nope").exists()


def test_warehouse_keeps_a_storage_format_duckdb_1_4_clients_can_read(built_settings):
    settings = built_settings  # written by `run --source snapshot`
    jobs.refresh(settings)  # written again by DuckDB 2: the format must stay
    tags = query(settings.warehouse, "SELECT tags FROM duckdb_databases() "
                                     "WHERE NOT internal")
    assert tags == [({"storage_version": "v1.4.0+"},)]
