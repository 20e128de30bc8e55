"""Versioned migrations: an existing warehouse is upgraded in place and keeps its history.

The legacy fixture is a real warehouse written by the version before migrations (c087877):
`hkpipe run --source snapshot`, one `import-prices --symbol HKEXT100` row (the index's base
value, 10,000 at 2020-12-31) and two `check` runs. scripts/make_legacy_fixture.sh rebuilds it.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hkpipe import cli, jobs
from hkpipe.errors import InputError
from hkpipe.warehouse import migrations
from tests.fakes.common import FIXTURES, make_settings, query

LABELS = [m.label for m in migrations.available()]  # what this code ships
NEXT = migrations.available()[-1].version + 1  # the number a test's own migration takes
HISTORY = {
    "imported": "SELECT * FROM prices WHERE source LIKE 'import:%' ORDER BY ALL",
    "load_runs": "SELECT * FROM load_runs ORDER BY ALL",
    "claim_results": "SELECT * FROM claim_results ORDER BY ALL",
}
# After 0004 the verdicts carry an article_id, after 0012 their ledger's hash (NULL for the
# old ones); every other value must be as it was.
HISTORY_AFTER = {**HISTORY, "claim_results": "SELECT * EXCLUDE (article_id, ledger_sha256) "
                                             "FROM claim_results ORDER BY ALL"}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return migrations.table_columns(con)
    finally:
        con.close()


def applied(path: Path) -> list[tuple]:
    return query(path, "SELECT version, name, checksum, adopted FROM schema_migrations "
                       "ORDER BY version")


def main(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_fresh_warehouse_records_every_migration_once(built):
    shipped = migrations.available()
    assert [m.label for m in shipped] == LABELS
    assert applied(built) == [(m.version, m.name, m.checksum, False) for m in shipped]
    # the old schema digest is gone; views are tracked by their own digest
    # (and each bundled stock file by its content, so an unchanged file is not reloaded, and
    # how far the incremental stock suites have validated, and the source registry's digest)
    assert dict(query(built, "SELECT key, value FROM pipeline_meta")).keys() == {
        "calendar", "views", "stocks:snapshot:yahoo", "stocks:snapshot:stooq",
        "dq:stock_prices", "dq:stock_moves", "sources"}


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> tuple[Path, int, str, str]:
    """A copy of the legacy fixture (as ``legacy``) upgraded in place by `hkpipe run --source
    snapshot` on the command line, once for the tests that read it: (its path, the exit code,
    stdout, stderr). Copy it before changing it."""
    path = tmp_path_factory.mktemp("upgraded") / "warehouse.duckdb"
    with gzip.open(FIXTURES / "warehouse_c087877.duckdb.gz") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["run", "--source", "snapshot", "--warehouse", str(path)])
    return path, code, out.getvalue(), err.getvalue()


@pytest.mark.xdist_group("migrations-upgraded")  # one worker, one upgrade for both tests
def test_legacy_warehouse_is_upgraded_in_place_and_keeps_its_history(legacy, built, upgraded):
    before = {name: query(legacy.warehouse, sql) for name, sql in HISTORY.items()}
    assert before["imported"][0][:2] == ("HKEXT100", date(2020, 12, 31))
    assert len({r[0] for r in before["claim_results"]}) == 3  # the run and two checks

    path, code, out, err = upgraded  # that warehouse after `run --source snapshot`
    assert code == 0, err
    assert f"migrated the warehouse's schema: {', '.join(LABELS)}\n" in out  # every one
    after = {name: query(path, sql) for name, sql in HISTORY_AFTER.items()}
    assert after["imported"] == before["imported"]  # same values, same loaded_at
    assert set(before["load_runs"]) <= set(after["load_runs"])
    assert set(before["claim_results"]) <= set(after["claim_results"])
    assert len(after["claim_results"]) > len(before["claim_results"])  # the run's verdicts
    # the past verdicts all came from the Global Times ledger: 0004 derives that article id
    old_runs = sorted({r[0] for r in before["claim_results"]})
    assert query(path, "SELECT DISTINCT article_id FROM claim_results WHERE "
                       "list_contains(?, run_id)", [old_runs]) == [("globaltimes-2026-01-04",)]
    assert query(path, "SELECT count(*) FROM claim_results WHERE list_contains(?, run_id)",
                 [old_runs])[0][0] == len(before["claim_results"])
    # every table has the columns, in order and type, of a warehouse built fresh
    assert columns(path) == columns(built)
    assert [adopted for *_, adopted in applied(path)] == [True] + [False] * (len(LABELS) - 1)
    # 0003: every stored row became the observation of the source it names; the registry
    # reloaded by the run filled the new hkex_ric column
    assert query(path, "SELECT source, close FROM price_observations "
                       "WHERE symbol = 'HKEXT100'") == [("import:hkext100_base.csv", 10000.0)]
    assert query(path, "SELECT hkex_ric FROM indexes WHERE symbol = '^HSI'") == [(".HSI",)]


@pytest.mark.xdist_group("migrations-upgraded")
def test_upgrade_on_the_command_line(upgraded, tmp_path, capsys):
    path, code, out, err = upgraded  # the legacy warehouse after `run --source snapshot`
    assert code == 0, err
    assert f"migrated the warehouse's schema: {', '.join(LABELS)}" in out
    again = tmp_path / "warehouse.duckdb"
    shutil.copyfile(path, again)
    code, out, _ = main(capsys, "run", "--source", "snapshot", "--warehouse", str(again))
    assert code == 0 and "migrated" not in out  # applied once


def test_warehouse_newer_than_the_code_is_refused_unchanged(built_settings, capsys):
    path = built_settings.warehouse
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (9001, 'from_a_later_release', 'x', "
                "TIMESTAMP '2027-01-01', '9.0.0', false)")
    con.close()
    before = file_hash(path)
    latest = migrations.available()[-1].version
    for command in (["check"], ["check", "--no-record"], ["run", "--source", "snapshot"],
                    ["refresh", "--source", "yahoo"],  # refused before any fetch
                    ["migrate"], ["migrate", "--dry-run"], ["status"]):
        code, _, err = main(capsys, *command, "--warehouse", str(path))
        assert code == 2, (command, err)
        assert "schema version 9001 (migration 9001_from_a_later_release)" in err
        assert f"knows (schema version {latest})" in err
    assert file_hash(path) == before


def test_edited_applied_migration_is_refused(own_migrations, built_settings, capsys):
    settings = built_settings  # every migration applied, as shipped
    before = file_hash(settings.warehouse)
    edited = own_migrations / "0002_views_digest.sql"
    edited.write_text(edited.read_text() + "\n-- an afterthought\n")
    code, _, err = main(capsys, "check", "--warehouse", str(settings.warehouse))
    assert code == 2
    assert str(edited) in err and "0002_views_digest was applied" in err
    assert file_hash(settings.warehouse) == before
    # Windows line endings are not an edit
    edited.write_text(edited.read_text().replace("\n-- an afterthought\n", ""))
    edited.write_bytes(edited.read_bytes().replace(b"\n", b"\r\n"))
    assert main(capsys, "check", "--warehouse", str(settings.warehouse))[0] == 0


def test_failing_migration_publishes_nothing_and_names_itself(own_migrations, built_settings,
                                                              capsys):
    # Realistic: a constraint the stored rows break (the HSTECH snapshot has close-only days).
    (own_migrations / f"{NEXT:04d}_prices_open_required.sql").write_text(
        "ALTER TABLE load_runs ADD COLUMN note VARCHAR;\n"
        "ALTER TABLE prices ALTER COLUMN open SET NOT NULL;\n")
    before = file_hash(built_settings.warehouse)
    code, _, err = main(capsys, "run", "--source", "snapshot",
                        "--warehouse", str(built_settings.warehouse))
    assert code == 3
    assert f"migration {NEXT:04d}_prices_open_required" in err and "nothing was published" in err
    assert file_hash(built_settings.warehouse) == before


def test_new_migration_is_applied_once_and_derives_old_rows(own_migrations, legacy):
    # A later release adds a column and derives it for the rows already stored.
    (own_migrations / f"{NEXT:04d}_load_runs_rows_total.sql").write_text(
        "-- rows_total for old rows: inserted + updated + unchanged, as the load counted them\n"
        "ALTER TABLE load_runs ADD COLUMN rows_total BIGINT;\n"
        "UPDATE load_runs SET rows_total = rows_inserted + rows_updated + rows_unchanged;\n"
        "COMMENT ON COLUMN load_runs.rows_total IS 'Rows counted by the load.';\n")
    old_runs = query(legacy.warehouse, "SELECT * FROM load_runs ORDER BY ALL")
    first = jobs.load_seeds(legacy)
    assert [m.version for m in first.migrated] == list(range(1, NEXT + 1))
    second = jobs.load_seeds(legacy)
    assert second.migrated == []
    derived = query(legacy.warehouse, "SELECT * EXCLUDE (rows_total), rows_total "
                                      "FROM load_runs ORDER BY ALL")
    kept = [r[:-1] for r in derived if r[:-1] in set(old_runs)]
    assert sorted(kept) == sorted(old_runs)
    assert all(r[-1] == r[5] + r[6] + r[7] for r in derived if r[:-1] in set(old_runs))
    assert applied(legacy.warehouse)[-1][:3] == (
        NEXT, "load_runs_rows_total", migrations.available()[-1].checksum)


def test_legacy_warehouse_that_does_not_match_the_baseline_is_refused(legacy, capsys):
    con = duckdb.connect(str(legacy.warehouse))
    # as if an older release had declared it narrower
    con.execute("ALTER TABLE load_runs ALTER COLUMN rows_kept TYPE INTEGER")
    con.close()
    before = file_hash(legacy.warehouse)
    code, _, err = main(capsys, "run", "--source", "snapshot",
                        "--warehouse", str(legacy.warehouse))
    assert code == 3
    assert "does not match the schema after its upgrade" in err
    assert "load_runs" in err and "('rows_kept', 'INTEGER')" in err
    assert file_hash(legacy.warehouse) == before


def test_status_reports_version_pending_as_of_and_last_runs_without_writing(legacy, capsys):
    before = file_hash(legacy.warehouse)
    code, out, _ = main(capsys, "status", "--json", "--warehouse", str(legacy.warehouse))
    assert code == 0
    doc = json.loads(out)
    assert (doc["schema_version"], doc["written_before_migrations"]) == (0, True)
    assert doc["pending"] == LABELS
    assert doc["storage_version"].startswith("v1.4.0")
    as_of = {p["symbol"]: p["last_date"] for p in doc["prices"]}
    assert as_of == {"HKEXT100": "2020-12-31", "HSTECH.HK": "2024-11-13",
                     "^HSI": "2026-08-21"}
    assert doc["last_load"]["command"] == "import-prices"
    assert (doc["last_check"]["command"], doc["last_check"]["claims"]) == ("check", 7)
    code, out, _ = main(capsys, "status", "--warehouse", str(legacy.warehouse))
    assert "schema version 0 (written before versioned migrations)" in out
    assert f"pending migrations: {', '.join(LABELS)}" in out
    code, out, _ = main(capsys, "migrate", "--dry-run", "--warehouse", str(legacy.warehouse))
    assert code == 0 and f"would apply {', '.join(LABELS)}" in out
    assert file_hash(legacy.warehouse) == before

    assert main(capsys, "migrate", "--warehouse", str(legacy.warehouse))[0] == 0
    doc = json.loads(main(capsys, "status", "--json", "--warehouse",
                          str(legacy.warehouse))[1])
    assert (doc["schema_version"], doc["pending"]) == (NEXT - 1, [])
    assert [a["adopted"] for a in doc["applied"]] == [True] + [False] * (len(LABELS) - 1)


def test_read_only_commands_ask_for_the_upgrade(legacy, capsys):
    code, _, err = main(capsys, "check", "--no-record", "--warehouse", str(legacy.warehouse))
    assert code == 2
    assert f"schema version 0 and this hkpipe needs {NEXT - 1}" in err and "hkpipe migrate" in err


def test_input_error_names_the_migration_file(own_migrations, built_settings):
    settings = built_settings  # every migration applied, as shipped
    (own_migrations / "0001_baseline.sql").write_text("-- emptied\n")
    with pytest.raises(InputError) as err:
        jobs.load_seeds(settings)
    assert err.value.path == str(own_migrations / "0001_baseline.sql")


def test_a_key_table_column_can_be_added_filled_and_required(own_migrations, legacy):
    # DuckDB refuses this inside one explicit transaction on a table with a primary key
    # ("Cannot create index with outstanding updates"); the build copy is the atomic unit.
    (own_migrations / f"{NEXT:04d}_indexes_short_name.sql").write_text(
        "-- short_name for existing rows: the symbol itself\n"
        "ALTER TABLE indexes ADD COLUMN short_name VARCHAR;\n"
        "UPDATE indexes SET short_name = symbol;\n"
        "ALTER TABLE indexes ALTER COLUMN short_name SET NOT NULL;\n"
        "COMMENT ON COLUMN indexes.short_name IS 'Short name.';\n")
    outcome = jobs.migrate(legacy)[1]
    assert [m.version for m in outcome.migrated] == list(range(1, NEXT + 1))
    assert query(legacy.warehouse, "SELECT symbol, short_name FROM indexes ORDER BY 1") == [
        ("HKEXT100", "HKEXT100"), ("HSTECH.HK", "HSTECH.HK"), ("^HSI", "^HSI")]


def test_dry_run_tries_the_migrations_on_a_copy(legacy, capsys):
    con = duckdb.connect(str(legacy.warehouse))
    con.execute("ALTER TABLE load_runs ALTER COLUMN rows_kept TYPE INTEGER")
    con.close()
    before = file_hash(legacy.warehouse)
    code, _, err = main(capsys, "migrate", "--dry-run", "--warehouse", str(legacy.warehouse))
    assert code == 3 and "does not match the schema after its upgrade" in err
    assert file_hash(legacy.warehouse) == before


def test_views_written_by_an_older_hkpipe_are_put_back(built_settings):
    # hkpipe 0.1.0 cannot see schema versions: writing an upgraded file, it re-creates its own
    # views and its digest row. The next build of this version restores its views.
    con = duckdb.connect(str(built_settings.warehouse))
    con.execute("CREATE OR REPLACE VIEW price_coverage AS SELECT 1 AS stale")
    con.execute("INSERT INTO pipeline_meta (key, value) VALUES ('schema', 'old digest')")
    con.close()
    jobs.load_seeds(built_settings)
    assert "stale" not in [c for c, _ in columns_of_view(built_settings.warehouse)]
    assert query(built_settings.warehouse,
                 "SELECT count(*) FROM pipeline_meta WHERE key = 'schema'") == [(0,)]


def columns_of_view(path: Path) -> list[tuple[str, str]]:
    return query(path, "SELECT column_name, data_type FROM information_schema.columns "
                       "WHERE table_name = 'price_coverage' ORDER BY ordinal_position")


def test_a_file_with_only_foreign_tables_is_not_taken_for_an_old_warehouse(tmp_path):
    settings = make_settings(tmp_path)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("CREATE TABLE my_notes (note VARCHAR)")
    con.execute("INSERT INTO my_notes VALUES ('kept')")
    con.close()
    jobs.load_seeds(settings)
    assert [a for *_, a in applied(settings.warehouse)] == [False] * len(LABELS)
    assert query(settings.warehouse, "SELECT note FROM my_notes") == [("kept",)]
