"""Strict CSV reading of price files: each malformed file is named with its line and field."""

from __future__ import annotations

import pytest

from hkpipe.errors import InputError
from hkpipe.prices import read_price_csv

GOOD = ("date,open,high,low,close\n"
        "2024-01-02,17047.39,17109.73,16750.29,16788.55\n"
        "2024-01-03,16719.51,16721.84,16580.05,16646.41\n")


def write(tmp_path, text, name="p.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def reject(tmp_path, text, *, line, field, match, **kw):
    path = write(tmp_path, text, **kw)
    with pytest.raises(InputError) as err:
        read_price_csv(path, "^HSI")
    assert err.value.path == str(path)
    assert (err.value.line, err.value.field) == (line, field), str(err.value)
    assert match in str(err.value)


def test_good_file_reads(tmp_path):
    frame = read_price_csv(write(tmp_path, GOOD), "^HSI")
    assert list(frame["close"]) == [16788.55, 16646.41]
    assert str(frame["trade_date"].iloc[0].date()) == "2024-01-02"


def test_missing_column(tmp_path):
    reject(tmp_path, "date,open,high,low\n2024-01-02,1,2,1\n", line=1, field="close",
           match="missing column")


def test_extra_column(tmp_path):
    reject(tmp_path, "date,close,colour\n2024-01-02,1,red\n", line=1, field="colour",
           match="unexpected column")


def test_bad_date(tmp_path):
    reject(tmp_path, GOOD + "2024-02-30,1,1,1,1\n", line=4, field="date",
           match="'2024-02-30' is not a date")


def test_future_date(tmp_path):
    reject(tmp_path, GOOD + "2099-01-02,1,1,1,1\n", line=4, field="date", match="future")


def test_non_numeric_price(tmp_path):
    reject(tmp_path, GOOD.replace("16646.41\n", "n/a\n"), line=3, field="close",
           match="'n/a' is not a number")


def test_negative_price(tmp_path):
    reject(tmp_path, GOOD.replace("16580.05", "-16580.05"), line=3, field="low",
           match="not a positive price")


def test_high_below_low(tmp_path):
    reject(tmp_path, "date,open,high,low,close\n2024-01-02,10,9,11,10\n", line=2,
           field="high", match="below low")


def test_close_outside_range(tmp_path):
    reject(tmp_path, "date,open,high,low,close\n2024-01-02,10,12,9,13\n", line=2,
           field="close", match="outside")


def test_empty_file(tmp_path):
    reject(tmp_path, "", line=None, field=None, match="empty")


def test_header_only(tmp_path):
    reject(tmp_path, "date,open,high,low,close\n", line=1, field=None, match="no data rows")


def test_not_utf8(tmp_path):
    reject(tmp_path, b"date,close\n2024-01-02,1\n2024-01-03,\xff1\n", line=3, field=None,
           match="not UTF-8")


def test_wrong_delimiter(tmp_path):
    reject(tmp_path, "date;open;high;low;close\n2024-01-02;1;1;1;1\n", line=1, field=None,
           match="wrong delimiter")


def test_excel_thousands_separator_in_quotes(tmp_path):
    reject(tmp_path, 'date,close\n2024-01-02,"16,788.55"\n', line=2, field="close",
           match="thousands")


def test_ragged_row(tmp_path):
    reject(tmp_path, GOOD + "2024-01-04,1,1\n", line=4, field=None, match="expected 5 fields")


def test_duplicate_date_with_different_values(tmp_path):
    reject(tmp_path, GOOD + "2024-01-03,16719.51,16721.84,16580.05,16600.00\n", line=3,
           field="date", match="more than once with different values (lines 3, 4)")


def test_exact_duplicate_and_unsorted_rows_are_normalised(tmp_path):
    lines = GOOD.splitlines()
    text = "\n".join([lines[0], lines[2], lines[1], lines[2]]) + "\n"
    frame = read_price_csv(write(tmp_path, text), "^HSI")
    assert [str(d.date()) for d in frame["trade_date"]] == ["2024-01-02", "2024-01-03"]
