"""A stand-in for HKEX's List of Securities: a workbook as HKEX writes it (title, "Updated as at
DD/MM/YYYY", the 18-column header, every cell text), built from rows given by a test, and a
local HTTP server that serves it (or an HTML page, or any bytes)."""

from __future__ import annotations

import io
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER = ["Stock Code", "Name of Securities", "Category", "Sub-Category", "Board Lot", "ISIN",
          "Expiry Date", "Subject to Stamp Duty", "Shortsell Eligible", "CAS Eligible",
          "VCM Eligible", "Admitted to CCASS", "Debt Securities Board Lot (Nominal)",
          "Debt Securities Investor Type", "POS Eligible",
          "Spread Table\n1 = Part A\n3 = Part B\n5 = Part D\n4 & 6 = Part E",
          "Trading Currency", "RMB Counter"]
SUB = {"Main Board": "Equity Securities (Main Board)", "GEM": "Equity Securities (GEM)"}


def equity(code: str, name: str, isin: str = "", board: str = "Main Board", lot: str = "1,000",
           currency: str = "HKD", category: str = "Equity") -> list[str]:
    """One data row of the list, as text cells."""
    row = [code, name, category, SUB.get(board, board), lot, isin] + [""] * 12
    row[HEADER.index("Trading Currency")] = currency
    return row


def workbook(rows: list[list[str]], as_of: date | str, *, title: str = "List of Securities",
             header: list[str] | None = None) -> bytes:
    """The xlsx bytes of a list ``as_of`` (a date, or row 2's text as given)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ListOfSecurities"
    sheet.append([title])
    sheet.append([f"Updated as at {as_of:%d/%m/%Y}" if isinstance(as_of, date) else as_of])
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def listed_rows(seeds_dir, as_of: date, *, drop: set[str] = frozenset()) -> list[list[str]]:
    """The list the seeds expect on ``as_of``: an equity row per issuer on the 2025-12-31
    baseline (listed_issuers.csv) and per curated listing (new_economy_listings.csv) listed
    by then and not delisted; minus the codes in ``drop``."""
    import csv

    rows = {}
    with open(f"{seeds_dir}/listed_issuers.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["listed_at_2025_12_31"] == "Y":
                board = "GEM" if r["board"] == "GEM" else "Main Board"
                rows[r["stock_code"]] = equity(r["stock_code"], r["short_name"], r["isin"], board)
    with open(f"{seeds_dir}/new_economy_listings.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["listing_date"] <= f"{as_of}" and not r["delisting_date"]:
                board = "GEM" if r["board"] == "GEM" else "Main Board"
                old = rows.get(r["stock_code"])
                name = (r["name_en"] or r["name_zh"])[:15].upper()
                rows[r["stock_code"]] = old or equity(r["stock_code"], name, "", board)
    return [rows[k] for k in sorted(rows) if k not in drop]


class FakeList:
    """Serves ``content`` (bytes) with ``status`` at ``url``; every request is counted."""

    def __init__(self, content: bytes = b"", status: int = 200,
                 content_type: str = "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet"):
        self.content, self.status, self.content_type = content, status, content_type
        self.requests = 0

    def start(self) -> FakeList:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                fake.requests += 1
                self.send_response(fake.status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(fake.content)))
                self.end_headers()
                self.wfile.write(fake.content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/ListOfSecurities.xlsx"
