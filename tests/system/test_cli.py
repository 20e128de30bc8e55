"""The hkpipe command as a user runs it: exit codes, JSON shape, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.fakes.cli import hkpipe
from tests.fakes.common import SEEDS, checksums


def test_every_command_has_help():
    for cmd in ["run", "refresh", "load-seeds", "check", "import-prices", "report", "status",
                "migrate"]:
        out = hkpipe(cmd, "--help")
        assert out.returncode == 0, out.stderr
        assert "usage: hkpipe" in out.stdout


def test_check_json_shape(built_settings):
    from hkpipe import articles

    out = hkpipe("check", "--json", "--warehouse", str(built_settings.warehouse))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["ok"] is True
    ledger = articles.all_claims(articles.read_all(SEEDS))
    # every claim of every ledger, once, with its article and expected verdict
    assert sorted((c["article_id"], c["id"], c["verdict"]) for c in doc["claims"]) == sorted(
        (c.article_id, c.id, c.expected) for c in ledger)
    assert len(ledger) >= 16
    assert doc["checks"] and all(set(c) == {"name", "ok", "detail", "warning"}
                                 for c in doc["checks"])
    assert {"integrity:prices_unique_per_day", "integrity:prices_open_close_in_range"} <= {
        c["name"] for c in doc["checks"]}
    # a rule the schema already holds (a CHECK) has no integrity check that could never fire
    assert not {"integrity:prices_high_ge_low", "integrity:prices_positive_close"} & {
        c["name"] for c in doc["checks"]}


def test_warehouse_from_environment_variable(tmp_path):
    path = tmp_path / "env.duckdb"
    out = hkpipe("load-seeds", env={"HKPIPE_WAREHOUSE": str(path)})
    assert out.returncode == 0, out.stderr
    assert path.exists()


def test_check_fails_with_exit_1_on_a_bad_row(built_settings):
    import duckdb
    con = duckdb.connect(str(built_settings.warehouse))
    # A close above the high: the loader would refuse it, so write it behind its back.
    con.execute("UPDATE prices SET close = high + 10 WHERE symbol = '^HSI' "
                "AND trade_date = DATE '2026-01-02'")
    con.close()
    out = hkpipe("check", "--warehouse", str(built_settings.warehouse))
    assert out.returncode == 1
    assert "FAIL  integrity:prices_open_close_in_range" in out.stdout
    assert "^HSI 2026-01-02" in out.stdout


def test_not_a_duckdb_file_exits_2_and_names_it(tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("hello")
    out = hkpipe("run", "--warehouse", str(bad))
    assert out.returncode == 2
    assert str(bad) in out.stderr and "not a DuckDB database file" in out.stderr
    assert bad.read_text() == "hello"


def test_malformed_seed_exits_2_with_file_line_field(built_settings, tmp_path):
    import shutil
    seeds = tmp_path / "seeds"
    shutil.copytree(built_settings.seeds_dir, seeds)
    idx = seeds / "indexes.csv"
    lines = idx.read_text().splitlines()
    lines[2] = lines[2].replace("2020-07-27", "2020-13-27")
    idx.write_text("\n".join(lines) + "\n")
    before = checksums(built_settings.warehouse)
    out = hkpipe("load-seeds", "--warehouse", str(built_settings.warehouse),
                 "--seeds-dir", str(seeds))
    assert out.returncode == 2
    assert "indexes.csv, line 3, field 'launch_date'" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert checksums(built_settings.warehouse) == before


def test_check_without_warehouse_says_how_to_build_it(tmp_path):
    out = hkpipe("check", "--warehouse", str(tmp_path / "none.duckdb"))
    assert out.returncode == 3
    assert "hkpipe run" in out.stderr


def test_writing_commands_create_the_default_data_folder(tmp_path):
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("date,close\n2025-12-09,8110\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    out = subprocess.run([sys.executable, "-m", "hkpipe.cli", "import-prices", "--symbol",
                          "HKEXT100", str(csv_path)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "data" / "warehouse.duckdb").exists()
