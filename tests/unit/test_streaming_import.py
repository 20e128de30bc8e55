"""Issue 23 part 2: a price file read in chunks (warehouse.staging.read_price_file) is refused
with exactly the message, line and field of the same file read whole (prices.read_price_csv),
and a good one comes back the same. Chunks of 3 rows, so every file here spans several."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from hkpipe.errors import InputError
from hkpipe.prices import read_price_csv
from hkpipe.warehouse.staging import read_price_file

TODAY = date(2026, 8, 21)
HEADER = "date,open,high,low,close,volume"
GOOD = ["2026-08-10,10,11,9,10.5,100", "2026-08-11,10,11,9,10.5,100",
        "2026-08-12,10,12,9,11,200", "2026-08-13,11,12,10,11.5,",
        "2026-08-14,11,12,10,11.5,300", "2026-08-17,11,13,10,12,300",
        "2026-08-18,12,13,11,12.5,400", "2026-08-19,12,13,11,12,400",
        "2026-08-20,12,13,11,12,400", "2026-08-21,12,14,11,13,500"]


def write(tmp_path, rows: list[str], header: str = HEADER):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def both(path) -> tuple[str, str]:
    errors = []
    for read in (lambda: read_price_csv(path, "^HSI", today=TODAY),
                 lambda: read_price_file(path, "^HSI", today=TODAY, chunk_rows=3)):
        with pytest.raises(InputError) as caught:
            read()
        errors.append(str(caught.value))
    return errors[0], errors[1]


def edited(**rows: str) -> list[str]:
    out = list(GOOD)
    for index, text in rows.items():
        out[int(index[1:])] = text
    return out


def test_a_good_file_comes_back_as_read_whole_sorted_without_exact_duplicates(tmp_path):
    rows = list(reversed(GOOD)) + GOOD[:4]  # out of order, four exact duplicates
    path = write(tmp_path, rows)
    whole = read_price_csv(path, "^HSI", today=TODAY)
    streamed = read_price_file(path, "^HSI", today=TODAY, chunk_rows=3)
    assert len(streamed) == len(GOOD)
    pd.testing.assert_frame_equal(streamed, whole, check_dtype=False)
    assert streamed["_line"].tolist() == whole["_line"].tolist()  # the first line of each


@pytest.mark.parametrize("rows,expected", [
    # an earlier rule failing in a later chunk wins over a later rule in the first chunk
    (edited(r1="2026-08-11,10,8,9,10.5,100", r8="2026-08-2x,12,13,11,12,400"),
     "line 10, field 'date': '2026-08-2x' is not a date"),
    # the same rule in three chunks: the first row, and the others counted
    (edited(r1="2026-08-11,10,11,9,-1,100", r5="2026-08-17,11,13,10,-2,300",
            r9="2026-08-21,12,14,11,-3,500"),
     "line 3, field 'close': '-1' is not a positive price (and 2 more rows like it)"),
    # a date given twice with different values, the second time in a later chunk
    (edited(r7="2026-08-12,12,13,11,12.5,400"),
     "line 4, field 'date': 2026-08-12 appears more than once with different values "
     "(lines 4, 9)"),
    # a ragged row late in the file beats a bad value early
    (edited(r0="2026-08-10,10,11,9,x,100", r9="2026-08-21,12,14,11,13"),
     "line 11: expected 6 fields as in the header, found 5"),
    (edited(r6="2026-08-28,12,13,11,12.5,400"), "line 8, field 'date': 2026-08-28: is in the "
     "future"),
])
def test_a_bad_file_is_refused_as_if_read_whole(tmp_path, rows, expected):
    whole, streamed = both(write(tmp_path, rows))
    assert streamed == whole
    assert expected in streamed


def test_encoding_and_header_problems_are_named_as_before(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join([HEADER, *GOOD]) + "\n").encode() + b"2026-08-24,1\xff,2,1,2,3\n")
    whole, streamed = both(path)
    assert streamed == whole and "line 12" in streamed and "not UTF-8 text (byte 0xff" in whole
    whole, streamed = both(write(tmp_path, GOOD, header="date;open;close"))
    assert streamed == whole and "wrong delimiter" in streamed
    whole, streamed = both(write(tmp_path, [], header=HEADER))
    assert streamed == whole and "header only" in streamed


def test_a_non_utf8_byte_after_a_bom_is_named_at_its_offset_in_the_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{GOOD[0]}\n".encode() + b"2026-08-11,\xfe\n")
    with pytest.raises(InputError) as caught:
        read_price_file(path, "^HSI", today=TODAY)
    offset = path.read_bytes().index(b"\xfe")
    assert f"byte 0xfe at offset {offset}" in str(caught.value)
    assert caught.value.line == 3
