"""Issue 22 item 6: every failure is one line with the right exit code (2 bad input, 3
anything else), never a traceback under exit 1, and the warehouse stays byte for byte as it
was. A damaged warehouse (items 6 and 7): tests/test_hardening_status.py."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hkpipe import jobs
from hkpipe.errors import InputError, SourceError
from hkpipe.settings import Settings
from hkpipe.sources import hkex
from tests.fakes.common import SEEDS
from tests.fakes.errors import (
    FEW_HUNDRED,
    file_bytes,
    no_build_files,
    one_line,
    rewrite_csv,
    run_cli,
)

# --- HKPIPE_* numbers: checked once, refused naming the variable -------------------------

@pytest.mark.parametrize("name,value", [
    ("HKPIPE_LOCK_TIMEOUT", "abc"), ("HKPIPE_LOCK_TIMEOUT", "nan"),
    ("HKPIPE_LOCK_TIMEOUT", "-5"), ("HKPIPE_LOCK_TIMEOUT", "inf"),
    ("HKPIPE_MAX_STOCK_FAILURES", "2"), ("HKPIPE_NOW", "notatime"),
    ("HKPIPE_FETCH_WORKERS", "x"), ("HKPIPE_FETCH_WORKERS", "2.5"),
    ("HKPIPE_YAHOO_ATTEMPTS", "0"), ("HKPIPE_HKEX_TIMEOUT", "1e309"),
    ("HKPIPE_YAHOO_RATE", "-1"),
])
def test_a_bad_setting_exits_2_naming_the_variable(monkeypatch, capsys, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    code, err = run_cli(capsys, "status", "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 2
    line = one_line(err)
    assert line.startswith("hkpipe: input error: ") and name in line and repr(value) in line
    with pytest.raises(InputError, match=name):
        Settings.from_env()


def test_settings_defaults_and_empty_values(monkeypatch):
    monkeypatch.setenv("HKPIPE_LOCK_TIMEOUT", "")  # empty: the default
    monkeypatch.setenv("HKPIPE_FETCH_WORKERS", " 4 ")
    monkeypatch.setenv("HKPIPE_MAX_STOCK_FAILURES", "1")
    s = Settings.from_env()
    assert (s.lock_timeout, s.fetch_workers, s.max_stock_failures) == (600.0, 4, 1.0)
    assert isinstance(s.fetch_workers, int) and isinstance(s.source("yahoo").attempts, int)


# --- the last resort: one line, exit 3 -------------------------------------------------

@pytest.mark.parametrize("exc,text", [
    (RuntimeError("boom\n  on a second line"), "unexpected RuntimeError: boom on a second line"),
    (MemoryError(), "out of memory"),
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (OSError(errno.ENOSPC, "No space left on device", "x.png"), "disk full writing x.png"),
    (ValueError("v" * 100_000), "characters cut"),
])
def test_an_unexpected_exception_is_one_line_with_exit_3(monkeypatch, capsys, tmp_path, exc,
                                                         text):
    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(jobs, "status", fail)
    code, err = run_cli(capsys, "status", "--warehouse", str(tmp_path / "w.duckdb"))
    assert code == 3
    line = one_line(err)
    assert line.startswith("hkpipe: error: ") and text in line
    assert len(line) < FEW_HUNDRED


def test_an_error_message_quotes_a_few_hundred_characters_at_most():
    err = InputError("f.csv", f"{'x' * 100_000!r} is not a number", line=3, field="close")
    assert len(str(err)) < FEW_HUNDRED
    assert str(err).startswith("f.csv, line 3, field 'close': 'xxx")
    assert str(err).endswith("is not a number") and "characters cut" in str(err)


# --- a full disk during a build: exit 3, not 2; nothing changes ------------------------

def test_disk_full_while_copying_the_warehouse_exits_3(built_settings, capsys, monkeypatch):
    before = file_bytes(built_settings.warehouse)

    def full(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr("hkpipe.warehouse.publish.shutil.copyfile", full)
    code, err = run_cli(capsys, "check", "--warehouse", str(built_settings.warehouse))
    assert code == 3
    line = one_line(err)
    assert "disk full" in line and "nothing was published" in line
    assert file_bytes(built_settings.warehouse) == before
    assert no_build_files(built_settings.warehouse)


def test_disk_full_inside_duckdb_during_a_build_exits_3(built_settings, capsys, monkeypatch):
    before = file_bytes(built_settings.warehouse)

    def full(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "/x/.w.duckdb.building-1": '
                                 + os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jobs, "_evaluate", full)
    code, err = run_cli(capsys, "check", "--warehouse", str(built_settings.warehouse))
    assert code == 3
    assert "disk full while building" in one_line(err)
    assert file_bytes(built_settings.warehouse) == before
    assert no_build_files(built_settings.warehouse)


# --- input nested or repeated beyond reason -----------------------------------------------

def articles_copy(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS / "articles", seeds / "articles")
    return seeds


def ledger_with(seeds: Path, comparison: str) -> Path:
    def edit(rows):
        rows[0]["comparison"] = comparison
        rows[0]["rounded_comparison"] = rows[0]["rounded_kind"] = rows[0]["rounded_reading"] = ""

    return rewrite_csv(next((seeds / "articles").glob("*/claims.csv")), edit)


@pytest.mark.parametrize("comparison,refused", [
    ("not " * 10_000 + "change > 1", True),  # MemoryError in Python's parser
    ("change > " + "-" * 5_000 + "1", True),  # RecursionError
    ("(" * 150 + "change > 1" + ")" * 150, True),
    ("not " * 30 + "change > 1", True),
    ("not " * 10 + "change > 1", False),
    (" or ".join(["not (change > 1)"] * 20), False),
])
def test_a_comparison_too_long_or_deep_is_refused_naming_file_line_field(
        tmp_path, capsys, comparison, refused):
    seeds = articles_copy(tmp_path)
    ledger = ledger_with(seeds, comparison)
    code, err = run_cli(capsys, "check", "--no-record", "--seeds-dir", str(seeds),
                        "--warehouse", str(tmp_path / "none.duckdb"))
    if not refused:
        assert code == 3 and "no warehouse" in one_line(err)  # the ledger was accepted
        return
    assert code == 2
    line = one_line(err)
    assert f"{ledger}, line 2, field 'comparison'" in line
    assert len(line) < FEW_HUNDRED + 100


@pytest.mark.parametrize("toml", [
    "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n",
])
def test_deeply_nested_article_toml_is_refused_naming_the_file(tmp_path, capsys, toml):
    seeds = articles_copy(tmp_path)
    article = next((seeds / "articles").glob("*/article.toml"))
    article.write_text(toml, encoding="utf-8")
    code, err = run_cli(capsys, "check", "--no-record", "--seeds-dir", str(seeds),
                        "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 2
    assert f"{article}: " in one_line(err) and "nested too deeply" in err


def test_a_100000_deep_json_answer_from_hkex_is_malformed():
    deep = b"hkpipe(" + b"[" * 100_000 + b"]" * 100_000 + b")"
    with pytest.raises(SourceError) as err:
        hkex.parse_jsonp(deep, "HKEX .HSI")
    assert err.value.kind == "malformed" and len(str(err.value)) < 300
    deep_doc = b'hkpipe({"data": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001 + b")"
    with pytest.raises(SourceError) as err:
        hkex.parse_jsonp(deep_doc, "HKEX .HSI")
    assert err.value.kind == "malformed"
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        body = (b'hkpipe({"data": {"responsecode": "000", "datalist": [[1, 2, 3, 1, '
                + constant + b"]]}})")
        with pytest.raises(SourceError) as err:
            hkex.parse_jsonp(body, "HKEX .HSI")
        assert err.value.kind == "malformed"


def test_a_deep_json_answer_through_the_service_exits_3_and_changes_nothing(
        built_settings, capsys, monkeypatch):
    from tests.fakes.hkex import FakeHKEX, snapshot_bars

    fake = FakeHKEX().start()
    try:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("HKPIPE_NOW", "2026-08-21T10:00:00Z")
        monkeypatch.setenv("HKPIPE_HKEX_ATTEMPTS", "1")
        fake.serve(".HSI", snapshot_bars(SEEDS / "prices" / "HSI.csv", "2026-08-01",
                                         volume_means="turnover"))
        fake.serve(".HSTECH", snapshot_bars(SEEDS / "prices" / "HSTECH.csv", "2016-01-01"))
        fake.serve(".HKEXT100", snapshot_bars(SEEDS / "prices" / "HSTECH.csv", "2024-11-01"))
        fake.fail(".HSI", ("body", b"hkpipe(" + b"[" * 100_000 + b"]" * 100_000 + b")"))
        before = file_bytes(built_settings.warehouse)
        code, err = run_cli(capsys, "refresh", "--source", "hkex",
                            "--warehouse", str(built_settings.warehouse))
    finally:
        fake.stop()
    assert code == 3
    assert "HKEX .HSI" in one_line(err) and "JSON" in err
    assert file_bytes(built_settings.warehouse) == before


# --- report --out -----------------------------------------------------------------------

def test_report_out_at_a_file_or_under_one_exits_2(built_settings, capsys, tmp_path):
    existing = tmp_path / "report.txt"
    existing.write_text("keep me")
    before = file_bytes(built_settings.warehouse)
    for out in (existing, existing / "sub"):
        code, err = run_cli(capsys, "report", "--no-data-docs", "--out", str(out),
                            "--warehouse", str(built_settings.warehouse))
        assert code == 2
        assert str(out) in one_line(err)
    assert existing.read_text() == "keep me"
    assert file_bytes(built_settings.warehouse) == before


def test_report_out_at_an_unwritable_folder_exits_2(built_settings, capsys, tmp_path,
                                                    monkeypatch):
    import tempfile

    out = tmp_path / "locked"
    out.mkdir()

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    # root ignores permission bits, so the refusal is the file system's answer, simulated
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    code, err = run_cli(capsys, "report", "--no-data-docs", "--out", str(out),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    line = one_line(err)
    assert str(out) in line and "Permission denied" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_report_out_at_a_read_only_folder_exits_2(built_settings, capsys, tmp_path):
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        code, err = run_cli(capsys, "report", "--no-data-docs", "--out", str(out),
                            "--warehouse", str(built_settings.warehouse))
    finally:
        out.chmod(0o700)
    assert code == 2 and str(out) in one_line(err)


# --- as a user runs it: a separate process, no traceback --------------------------------

def test_the_command_never_prints_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HKPIPE_")}
    env["HKPIPE_LOCK_TIMEOUT"] = "abc"
    out = subprocess.run([sys.executable, "-m", "hkpipe.cli", "status", "--warehouse",
                          str(tmp_path / "w.duckdb")], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 2
    assert one_line(out.stderr) == ("hkpipe: input error: environment variable "
                                    "HKPIPE_LOCK_TIMEOUT='abc' is not valid: seconds a writer "
                                    "waits for another, a number from 0 to 604800 (default "
                                    "600)")
