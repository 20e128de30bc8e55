"""Bad input and network faults: every bad seed, warehouse path or price import exits 2 naming
the file and line and changes nothing; a silent server is bounded by the fetch timeout;
read-only commands never open the warehouse for writing. (Kills and concurrent processes:
tests/system/test_reliability.py.)"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hkpipe.errors import SourceError
from hkpipe.ingest.fetch import with_retries
from hkpipe.sources import yahoo
from tests.fakes.cli import hkpipe_in_process as run_cli  # the command, in this process
from tests.fakes.common import SEEDS, checksums

# --- bad input: every case exits 2, names the file and line or field, changes nothing ------

def edit_csv(path: Path, fn):
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(fn(text) if isinstance(fn(text), bytes) else fn(text).encode("utf-8"))


def replace_line(n: int, fn):
    def edit(text):
        lines = text.split("\n")
        lines[n - 1] = fn(lines[n - 1])
        return "\n".join(lines)
    return edit


def set_field(n: int, index: int, value: str):
    def fn(line):
        cells = line.split(",")
        cells[index] = value
        return ",".join(cells)
    return replace_line(n, fn)


BAD_SEEDS = [
    # (label, file, edit, expected fragments of the error)
    ("missing column", "indexes.csv",
     lambda t: t.replace("symbol,name,provider,", "symbol,name,", 1), ["indexes.csv", "line 1",
                                                                       "provider"]),
    ("extra column", "market_events.csv",
     lambda t: t.replace("event_id,event,", "event_id,colour,event,", 1),
     ["market_events.csv", "line 1"]),
    ("bad date", "prices/HSI.csv", set_field(500, 0, "1988-13-01"),
     ["HSI.csv", "line 500", "field 'date'"]),
    ("future date", "new_economy_listings.csv", replace_line(
        5, lambda line: re.sub(r"20\d\d-\d\d-\d\d", "2099-01-01", line, count=1)),
     ["new_economy_listings.csv", "line 5", "future"]),
    ("duplicate key", "market_events.csv",
     lambda t: t.rstrip("\n") + "\n" + t.strip().split("\n")[2] + "\n",
     ["market_events.csv", "duplicate key"]),
    ("non-numeric price", "prices/HSI.csv", set_field(900, 4, "12,0x"),
     ["HSI.csv", "line 900"]),
    ("negative price", "prices/HSTECH.csv", set_field(30, 4, "-3006.61"),
     ["HSTECH.csv", "line 30", "field 'close'"]),
    ("high below low", "prices/HSI.csv", set_field(9000, 2, "1.00"),
     ["HSI.csv", "line 9000", "field 'high'"]),
    ("empty file", "published_counts.csv", lambda t: "", ["published_counts.csv", "empty"]),
    ("non-UTF-8", "new_economy_listings.csv",
     lambda t: t.encode("utf-8").replace("花房集团".encode(), "花房集团".encode("gbk")),
     ["new_economy_listings.csv", "not UTF-8", "line"]),
    ("wrong delimiter", "indexes.csv", lambda t: t.replace(",", ";"),
     ["indexes.csv", "line 1", "delimiter"]),
    ("header only", "prices/HSTECH.csv", lambda t: t.split("\n")[0] + "\n",
     ["HSTECH.csv", "no data rows"]),
    ("Excel-style quoted code", "new_economy_listings.csv",
     replace_line(3, lambda line: '"=""' + line[:5] + '"""' + line[5:]),
     ["new_economy_listings.csv", "line 3", "stock_code"]),
    ("Excel thousands separator", "prices/HSI.csv", set_field(9700, 4, '"25,630.54"'),
     ["HSI.csv", "line 9700"]),
    ("ledger verdict", "articles/globaltimes-2026-01-04/claims.csv",
     lambda t: t.replace(",fails,", ",wrong,", 1), ["claims.csv", "line 2", "field 'expected'"]),
    ("ledger query escaping sql/claims", "articles/official-new-economy-counts/claims.csv",
     lambda t: t.replace(",published_count,", ",../load/prices_update,", 1),
     ["claims.csv", "line 2", "field 'query'"]),
]


@pytest.mark.parametrize("label,name,edit,fragments", BAD_SEEDS, ids=[c[0] for c in BAD_SEEDS])
def test_bad_seed_exits_2_names_file_and_line_and_changes_nothing(built_settings, tmp_path,
                                                                  label, name, edit, fragments):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / name
    raw = path.read_bytes().decode("utf-8")
    new = edit(raw)
    path.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
    before = checksums(built_settings.warehouse)
    done = run_cli("load-seeds", "--seeds-dir", str(seeds), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, (done.stdout, done.stderr)
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1
    for fragment in fragments:
        assert fragment in message, message
    assert checksums(built_settings.warehouse) == before


@pytest.mark.parametrize("where", ["missing folder", "read-only place", "not DuckDB"])
def test_bad_warehouse_path_exits_2(tmp_path, where):
    if where == "missing folder":
        path = tmp_path / "nope" / "w.duckdb"
    elif where == "read-only place":
        path = Path("/sys/hkpipe-warehouse.duckdb")  # sysfs refuses new files, even to root
        if os.access("/sys", os.W_OK) and not Path("/sys/kernel").exists():
            pytest.skip("no read-only filesystem here")
    else:
        path = tmp_path / "w.duckdb"
        path.write_bytes(b"\x00" * 4096)
    done = run_cli("load-seeds", "--warehouse", str(path))
    assert done.returncode == 2, done.stderr
    assert str(path.parent if where == "missing folder" else path) in done.stderr
    assert not (tmp_path / "nope").exists()


# --- network faults on the Yahoo path -------------------------------------------------------


def test_a_server_that_never_answers_is_bounded_by_the_fetch_timeout(silent_proxy):
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        with_retries(lambda: yahoo.fetch("^HSI", date(2026, 8, 20), date(2026, 8, 25),
                                         timeout=2), attempts=2, backoff=0.1)
    elapsed = time.monotonic() - started
    assert err.value.kind == "timeout"
    assert "no answer within the timeout" in str(err.value)
    assert elapsed < 2 * 2 + 5  # two attempts of at most 2 s each, plus the backoff


# --- hygiene -----------------------------------------------------------------------------------


def test_read_only_commands_never_open_the_warehouse_for_writing(built_settings, monkeypatch):
    """check --no-record and report open the published file read-only only."""
    opened = []
    real_connect = duckdb.connect

    def spy(database=":memory:", read_only=False, **kw):
        opened.append((str(database), read_only))
        return real_connect(database, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", spy)
    from hkpipe import jobs
    jobs.check(replace(built_settings), record=False)
    jobs.report(built_settings, built_settings.reports_dir, data_docs=False)
    live = str(built_settings.warehouse)
    assert opened and all(ro for db, ro in opened if db == live)


BAD_IMPORTS = [
    ("missing file", None, "file not found"),
    ("extra column", "date,close,name\n2025-12-09,8110,x\n", "unexpected column"),
    ("header only", "date,close\n", "no data rows"),
    ("fractional volume", "date,close,volume\n2025-12-09,8110,10.5\n", "not a whole number"),
    ("slash date", "date,close\n2025/12/09,8110\n", "not a date"),
    ("NaN close", "date,close\n2025-12-09,NaN\n", "not a number"),
    ("duplicate dates", "date,close\n2025-12-09,8110\n2025-12-09,8111\n", "more than once"),
    ("Sunday", "date,close\n2025-12-09,8110\n2025-12-07,8090\n",
     "line 3, field 'date': 2025-12-07 (Sunday) is not an XHKG session"),
    ("all-day closure", "date,close\n2023-09-08,8110\n",
     "2023-09-08 (Friday) is not an XHKG session"),  # black rainstorm, documented closure
]


@pytest.mark.parametrize("label,text,fragment", BAD_IMPORTS, ids=[c[0] for c in BAD_IMPORTS])
def test_bad_price_import_exits_2_and_changes_nothing(built_settings, tmp_path, label, text,
                                                      fragment):
    path = tmp_path / "export.csv"
    if text is not None:
        path.write_text(text)
    before = checksums(built_settings.warehouse)
    done = run_cli("import-prices", "--symbol", "HKEXT100", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, done.stderr
    assert str(path) in done.stderr and fragment in done.stderr
    assert checksums(built_settings.warehouse) == before


def test_import_for_an_unregistered_symbol_exits_2_and_changes_nothing(built_settings,
                                                                        tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("date,close\n2025-12-09,8110\n")
    before = checksums(built_settings.warehouse)
    done = run_cli("import-prices", "--symbol", "NOSUCH", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 2, done.stderr
    assert "seeds/indexes.csv, field 'symbol': symbol 'NOSUCH' is not in the index registry" \
        in done.stderr
    assert checksums(built_settings.warehouse) == before


def test_import_on_a_documented_extra_session_is_accepted(built_settings, tmp_path):
    # 1987-05-05: Buddha's Birthday was not yet a holiday; exchange_calendars misses the day.
    path = tmp_path / "export.csv"
    path.write_text("date,close\n1987-05-05,2713.80\n")  # the bundled HSI close that day
    done = run_cli("import-prices", "--symbol", "^HSI", str(path), "--warehouse",
                   str(built_settings.warehouse))
    assert done.returncode == 0, done.stderr
