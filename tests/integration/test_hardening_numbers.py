"""Issue 22 item 1: every numeric field from every source must be finite and within the sane
range of its kind (hkpipe/bounds.py); otherwise exit 2 naming the file, line and field (or the
symbol and day), and nothing changes."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hkpipe import bounds
from hkpipe.cli import main
from hkpipe.errors import InputError
from hkpipe.sources import hkex, yahoo
from tests.fakes.common import SEEDS
from tests.fakes.hkex import hk_midnight_ms, snapshot_service

NOW = "2026-08-21T10:00:00Z"  # Friday 18:00 in Hong Kong


def run_cli(capsys, *args) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, err[-2000:]
    return code, err.strip()


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


# --- analysts' CSV imports --------------------------------------------------------------

@pytest.mark.parametrize("field,value", [
    ("close", "1e309"), ("close", "1e308"), ("close", "1e-320"), ("close", "2e9"),
    ("open", "1e309"), ("volume", "1e15"), ("turnover_hkd", "1e309"),
])
def test_an_import_with_an_overflowing_number_exits_2_and_changes_nothing(
        built_settings, capsys, tmp_path, field, value):
    row = {"date": "2025-12-09", "open": "8100", "high": "8120", "low": "8090",
           "close": "8110", "volume": "1000", "turnover_hkd": "5000000"}
    row[field] = value
    export = tmp_path / "export.csv"
    export.write_text(",".join(row) + "\n" + "2025-12-08,8000,8050,7990,8010,900,4000000\n"
                      + ",".join(row.values()) + "\n")
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "import-prices", "--symbol", "HKEXT100", str(export),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    assert f"{export}, line 3, field '{field}': '{value}' " in err
    assert "is outside the sane range" in err and "hkpipe/bounds.py" in err
    assert file_bytes(built_settings.warehouse) == before


def test_the_bounds_accept_the_real_extremes_of_the_bundled_data():
    # the dearest and cheapest bundled closes, the HSI's record turnover, a penny stock
    assert not bounds.PRICE.outside(pd.Series([33154.12, 0.012, 1e-6, 1e9])).any()
    assert not bounds.QUANTITY.outside(pd.Series([0.0, 620897666878.0, 9.99e14])).any()
    assert bounds.PRICE.outside(pd.Series([float("inf"), 1e-320, 0.0, -1.0, 1.1e9])).all()
    assert bounds.QUANTITY.outside(pd.Series([1e15, float("inf"), -1.0])).all()
    assert not bounds.PRICE.outside(pd.Series([float("nan")])).any()  # empty: not a range fault


# --- seeds --------------------------------------------------------------------------------

def seeds_copy(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def edit_csv(path: Path, line: int, column: str, value: str) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("file,column,value", [
    ("indexes.csv", "base_value", "1e309"),
    ("indexes.csv", "base_value", "1e-320"),
    ("ipo_offers.csv", "offer_price", "1e308"),
    ("ipo_offers.csv", "funds_raised_hkd", "1e16"),
    ("hkex_spread_table.csv", "tick", "1e309"),
    ("prices/HSI.csv", "close", "1e309"),
])
def test_a_seed_with_an_overflowing_number_exits_2_naming_file_line_field(
        built_settings, capsys, tmp_path, file, column, value):
    seeds = seeds_copy(tmp_path)
    edit_csv(seeds / file, 2, column, value)
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "load-seeds", "--seeds-dir", str(seeds),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    assert f"{seeds / file}, line 2, field '{column}': '{value}' " in err
    assert "is outside the sane range" in err
    assert file_bytes(built_settings.warehouse) == before


@pytest.mark.parametrize("column,value,text", [
    ("close", "1e308", "1e+308 is outside the sane range of a price"),
    ("close", "1e-320", "is outside the sane range of a price"),
    ("adj_close", "2e9", "is outside the sane range of a price"),
    ("volume", "1e15", "is outside the sane range of a volume"),
    ("close", "1e309", "inf is outside the sane range of a price"),  # DuckDB: infinity
])
def test_a_bundled_stock_file_with_an_overflowing_number_exits_2(built_settings, capsys,
                                                                 tmp_path, column, value, text):
    seeds = seeds_copy(tmp_path)
    path = seeds / "stocks" / "yahoo.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[5].rstrip("\n").split(",")
    cells[header.index(column)] = value
    lines[5] = ",".join(cells) + "\n"
    path.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "load-seeds", "--seeds-dir", str(seeds),
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2
    assert f"{path}, line 6, field '{column}': " in err and text in err
    assert "hkpipe/bounds.py" in err or "not a positive" in err
    assert file_bytes(built_settings.warehouse) == before


# --- HKEX ---------------------------------------------------------------------------------

def test_hkex_numbers_beyond_a_float_come_back_infinite_and_words_are_malformed():
    assert hkex._number("1e999") == float("inf")
    assert hkex._number(10 ** 400) == float("inf")
    assert hkex._number("25,123.5") == 25123.5
    for word in ("nan", "inf", "Infinity", "1_000", [1], {"a": 1}):
        with pytest.raises(ValueError):
            hkex._number(word)


@pytest.fixture
def service(monkeypatch):
    fake = snapshot_service(monkeypatch, NOW)
    yield fake
    fake.stop()


def answer(close) -> bytes:
    """A JSONP answer of two .HSI bars, the last one's close as given (raw JSON text)."""
    day1, day2 = (hk_midnight_ms(d) for d in ("2026-08-19", "2026-08-20"))
    return (f'hkpipe({{"data": {{"responsecode": "000", "responsemsg": "", "datalist": '
            f'[[{day1}, 25000, 25100, 24900, 25050, null, "100,000,000"], '
            f'[{day2}, 25050, 25200, 25000, {close}, null, "90,000,000"]]}}}})').encode()


@pytest.mark.parametrize("close", ['"1e999"', "1e999", "1" + "0" * 400, '"1e-320"', '"2e9"'])
def test_an_hkex_bar_of_1e999_exits_2_naming_symbol_and_day_and_changes_nothing(
        built_settings, service, capsys, close):
    service.fail(".HSI", ("body", answer(close)))
    before = file_bytes(built_settings.warehouse)
    code, err = run_cli(capsys, "refresh", "--source", "hkex",
                        "--warehouse", str(built_settings.warehouse))
    assert code == 2, err
    assert "hkex:.HSI (symbol ^HSI), field 'close': 2026-08-20: close " in err
    assert "outside the sane range of a price" in err
    assert file_bytes(built_settings.warehouse) == before


def test_an_hkex_volume_beyond_the_bound_is_refused_naming_the_field():
    rows = [[hk_midnight_ms("2026-08-20"), 25050, 25200, 25000, 25100, None, "1e16"]]
    with pytest.raises(InputError) as err:
        hkex.normalise(rows, "^HSI", ".HSI", None, date(2026, 8, 21), today=date(2026, 8, 21))
    assert err.value.field == "turnover_hkd" and "2026-08-20" in str(err.value)


# --- Yahoo --------------------------------------------------------------------------------

@pytest.mark.parametrize("column,value", [("Close", float("inf")), ("Close", 1e308),
                                          ("Low", 1e-320), ("Volume", 1e300)])
def test_a_yahoo_bar_beyond_the_bounds_is_refused_naming_symbol_and_day(column, value):
    index = pd.DatetimeIndex(["2026-08-19", "2026-08-20"]).tz_localize("Asia/Hong_Kong")
    raw = pd.DataFrame({"Open": [25000.0, 25050.0], "High": [25100.0, 25200.0],
                        "Low": [24900.0, 25000.0], "Close": [25050.0, 25100.0],
                        "Adj Close": [25050.0, 25100.0], "Volume": [1e9, 2e9]}, index=index)
    raw.loc[raw.index[1], column] = value
    with pytest.raises(InputError) as err:
        yahoo.normalise(raw, "^HSI", date(2026, 8, 19), date(2026, 8, 20),
                        today=date(2026, 8, 21), ranges=False)
    text = str(err.value)
    assert text.startswith("yahoo:^HSI, field ") and "2026-08-20: " in text
    assert "outside the sane range" in text


def test_the_stage_query_and_python_share_one_statement_of_the_bounds():
    params = bounds.stage_parameters()
    assert (params["price_min"], params["price_max"]) == (bounds.PRICE.low, bounds.PRICE.high)
    assert params["quantity_max"] == bounds.QUANTITY.high
    sql = (Path(__file__).resolve().parents[2] / "sql" / "load"
           / "stock_stage_violations.sql").read_text()
    assert "1e9" not in sql and "1e15" not in sql and "$price_max" in sql
    json.dumps(params)  # plain values, bindable
