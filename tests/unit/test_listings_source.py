"""The List of Securities source: its parsing, its issuer filters and its classified failures,
on workbooks built as HKEX writes them (tests/fakes/securities.py)."""

from __future__ import annotations

from datetime import date

import pytest

from hkpipe.errors import SourceError
from hkpipe.sources import listings
from tests.fakes.securities import HEADER, equity, workbook

DAY = date(2026, 10, 9)


def parse(content: bytes, today: date = DAY):
    return listings.parse(content, "LoS", today=today)


@pytest.mark.parametrize(("name", "markers"), [
    ("SENSETIME-W", "W"), ("JACOBIO-B", "B"), ("NEWCO-P", "P"), ("ZAI LAB-SB", "BS"),
    ("BILIBILI-SW", "SW"), ("HWORLD-S", "S"), ("CKH HOLDINGS", ""), ("YUEXIU REIT-SS", ""),
    ("HANGSENG BANK-R", ""), ("CRAZY SPORTS", "")])
def test_markers_are_the_route_suffixes_of_the_name(name, markers):
    assert listings.markers(name) == markers


def test_a_list_gives_its_date_and_its_equity_issuers():
    rows = [equity("00001", "CKH HOLDINGS", "KYG217651051", lot="500"),
            equity("02423", "BEKE-W", "KYG5223Y1089", lot="100"),
            equity("08603", "FAMEGLOW-1K", "KYG3313G1038", board="GEM"),
            equity("12345", "SOME WARRANT", category="Derivative Warrants")]
    got = parse(workbook(rows, DAY))
    assert got.as_of == DAY and got.equity_lines == 3
    assert got.issuers.to_dict("records") == [
        {"stock_code": "00001", "short_name": "CKH HOLDINGS", "isin": "KYG217651051",
         "board": "Main Board", "board_lot": 500, "markers": ""},
        {"stock_code": "02423", "short_name": "BEKE-W", "isin": "KYG5223Y1089",
         "board": "Main Board", "board_lot": 100, "markers": "W"},
        {"stock_code": "08603", "short_name": "FAMEGLOW-1K", "isin": "KYG3313G1038",
         "board": "GEM", "board_lot": 1000, "markers": ""}]


def test_the_baseline_filters_drop_lines_that_are_not_issuers():
    rows = [equity("00011", "HANG SENG BANK", "HK0011000095"),
            equity("80011", "HANGSENG BANK-R", "HK0011000095", currency="RMB"),  # RMB counter
            equity("04337", "STARBUCKS-T", "US8552441094", board="Trading Only Securities"),
            equity("02979", "WANGUO GOLD-OLD", ""),  # parallel trading
            equity("08587", "VICTORY SEC-2K", "", board="GEM"),  # a -1K line's twin
            equity("08588", "FAMEGLOW-10K", "", board="GEM"),
            equity("02994", "WINSHINESCI RTS", "BMG9723F1480"),  # nil-paid rights
            equity("00082", "CRAZY SPORTS", "BMG249551091"),  # ends in RTS, an issuer
            equity("02993", "FEG HOLDINGS", "KYG5329A1031")]  # the ISIN of 01413 below
    rows.append(equity("01413", "FEG HOLDINGS", "KYG5329A1031"))
    codes = parse(workbook(sorted(rows), DAY)).issuers["stock_code"].tolist()
    assert codes == ["00011", "00082", "01413"]


def test_every_cell_may_carry_padding_and_a_blank_isin_is_none():
    rows = [["00001 ", " CKH HOLDINGS ", "Equity", "Equity Securities (Main Board)", "1,000",
             "            "] + [""] * 10 + ["HKD", ""]]
    got = parse(workbook(rows, DAY)).issuers.iloc[0]
    assert (got["stock_code"], got["short_name"], got["isin"], got["board_lot"]) == (
        "00001", "CKH HOLDINGS", None, 1000)


@pytest.mark.parametrize(("content", "kind", "says"), [
    (b"<!DOCTYPE html><html><body>Access denied</body></html>", "rejected", "HTML page"),
    (b"PK\x03\x04 not really a zip", "malformed", "not an XLSX workbook"),
    (b"Stock Code,Name\n00001,CKH\n", "malformed", "not an XLSX workbook"),
    (workbook([equity("00001", "CKH")], DAY, title="Securities"), "malformed", "row 1"),
    (workbook([equity("00001", "CKH")], "Updated 09/10/2026"), "malformed", "row 2"),
    (workbook([equity("00001", "CKH")], "Updated as at 31/02/2026"), "malformed", "row 2"),
    (workbook([equity("00001", "CKH")], date(2026, 10, 12)), "rejected", "after today"),
    (workbook([equity("00001", "CKH")], DAY,
              header=[h for h in HEADER if h != "ISIN"]), "malformed", "'ISIN'"),
    (workbook([equity("00001", "CKH", category="Debt Securities")], DAY), "empty",
     "no Equity rows"),
    (workbook([], DAY), "empty", "no Equity rows"),
    (workbook([equity("1", "CKH")], DAY), "malformed", "row 4, field 'Stock Code'"),
])
def test_a_list_that_is_not_the_documented_workbook_is_refused_classified(content, kind, says):
    with pytest.raises(SourceError) as caught:
        parse(content)
    assert caught.value.kind == kind and not caught.value.retryable
    assert says in str(caught.value) and "\n" not in str(caught.value)
