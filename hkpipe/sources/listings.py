"""HKEX's List of Securities (the daily ``ListOfSecurities.xlsx``): which equities are listed.

The workbook (docs/sources.md; facts read off a real copy of 2025-12-31): one sheet; row 1
``List of Securities``, row 2 ``Updated as at DD/MM/YYYY`` (day first), row 3 the header, data
from row 4; every cell is text (codes keep their leading zeros, board lots are comma-grouped).
It has no listing date, no industry and no market value. This module reads it into the
equity issuers listed on that day (``issuers``: the filters the ``listed_issuers`` baseline
was built with, so the two compare like with like) and the route markers in their names.

Failures are classified from what came over the wire, as for HKEX's widget:

| kind         | cause                                                             | retried |
|--------------|-------------------------------------------------------------------|---------|
| unreachable  | DNS failure, connection refused                                   | no      |
| timeout      | no complete answer within ``HKPIPE_HKEX_LIST_TIMEOUT``            | yes     |
| rate_limited | HTTP 429 (Retry-After honoured)                                   | yes     |
| server_error | HTTP 5xx                                                          | yes     |
| rejected     | an HTML page instead of a workbook; an "Updated as at" date after  | no      |
|              | today (Hong Kong)                                                 |         |
| empty        | a workbook with no Equity rows                                    | no      |
| malformed    | not an XLSX workbook, another title/date/header, missing columns, | no      |
|              | a bad stock code, HTTP 4xx                                        |         |
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..errors import SourceError
from ..settings import SourceConfig
from .base import Source, rate_limited

LIST_URL = ("https://www.hkex.com.hk/eng/services/trading/securities/securitieslists/"
            "ListOfSecurities.xlsx")
COLUMNS = ("Stock Code", "Name of Securities", "Category", "Sub-Category", "Board Lot", "ISIN",
           "Trading Currency")  # the columns read; the other eleven are not needed
BOARDS = {  # Equity sub-category -> board, as listed_issuers names it
    "Equity Securities (Main Board)": "Main Board",
    "Equity Securities (GEM)": "GEM",
    "Investment Companies": "Main Board (Ch.21 investment company)",
    "Depositary Receipts": "Main Board (depositary receipt)",
}
ROUTE_MARKERS = "BPSW"  # -B 18A biotech, -P 18C, -S secondary, -W WVR (-R, -SS are not routes)
_UPDATED = re.compile(r"Updated as at (\d{2})/(\d{2})/(\d{4})")
_MARKERS = re.compile(r"-([BPSW]{1,3})$")
_TWIN = re.compile(r"-(\d+)K$")  # parallel-trading counters around a board-lot change


@dataclass(frozen=True)
class SecuritiesList:
    """One day's list: its date and its equity issuers (``ISSUER_COLUMNS``)."""

    as_of: date
    issuers: pd.DataFrame
    equity_lines: int  # Equity rows before the filters


ISSUER_COLUMNS = ["stock_code", "short_name", "isin", "board", "board_lot", "markers"]


def markers(name: str) -> str:
    """The route markers in a short name, in B, P, S, W order: 'SENSETIME-W' -> 'W',
    'ZAI LAB-SB' -> 'BS'; '-SS' (stapled) and '-R' (RMB counter) are not routes."""
    found = _MARKERS.search(name.strip())
    if not found or found[1] == "SS":
        return ""
    return "".join(m for m in ROUTE_MARKERS if m in found[1])


def parse(content: bytes, where: str, *, today: date) -> SecuritiesList:
    """The workbook's date and equity issuers; SourceError (classified) for anything else."""
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise SourceError(f"{where}: an HTML page, not the List of Securities workbook "
                          "(check HKPIPE_HKEX_SECURITIES_URL)", kind="rejected")
    rows = _rows(content, where)
    as_of = _updated(rows, where, today)
    header = [str(c).strip() if c is not None else "" for c in rows[2]] if len(rows) > 2 else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SourceError(f"{where}: row 3 is not the List of Securities header: no column "
                          f"{', '.join(repr(c) for c in missing)}", kind="malformed")
    at = {c: header.index(c) for c in COLUMNS}
    records = [tuple("" if r[at[c]] is None else str(r[at[c]]).strip() for c in COLUMNS)
               for r in rows[3:] if len(r) > max(at.values())]
    frame = pd.DataFrame(records, columns=["stock_code", "short_name", "category",
                                           "sub_category", "board_lot", "isin", "currency"])
    frame["line"] = range(4, 4 + len(frame))
    equity = frame[frame["category"] == "Equity"]
    if equity.empty:
        raise SourceError(f"{where}: no Equity rows in the list of {as_of}", kind="empty")
    bad = equity[~equity["stock_code"].str.fullmatch(r"\d{5}")]
    if not bad.empty:
        row = bad.iloc[0]
        raise SourceError(f"{where}: row {row.line}, field 'Stock Code': "
                          f"{row.stock_code!r} is not a 5-digit stock code", kind="malformed")
    return SecuritiesList(as_of, issuers(equity), len(equity))


def issuers(equity: pd.DataFrame) -> pd.DataFrame:
    """The equity issuers of a list's Equity rows, filtered as the listed_issuers baseline
    was (seeds/PROVENANCE_listed_issuers.md): HKD lines of the four issuer sub-categories
    (not trading-only US stocks), no RMB/USD counters, no temporary parallel-trading
    counters (-OLD, and the -2K/-10K twins of a -1K line), no nil-paid rights (RTS), and one
    line per non-blank ISIN (the lowest code: the issuer's own line comes first)."""
    names = equity["short_name"].str.upper()
    twin = names.str.extract(_TWIN, expand=False)
    # a temporary counter has no ISIN of its own ('FAMEGLOW-10K' beside 'FAMEGLOW-1K'); a
    # rights line ends ' RTS', or repeats its issuer's ISIN (dropped as a duplicate below)
    keep = (equity["sub_category"].isin(list(BOARDS)) & (equity["currency"] == "HKD")
            & ~names.str.endswith("-OLD") & ~names.str.endswith(" RTS")
            & ~(twin.notna() & ((twin != "1") | (equity["isin"] == ""))))
    out = equity[keep].copy()
    out = out[(out["isin"] == "") | ~out.duplicated("isin")]
    out["board"] = out["sub_category"].map(BOARDS)
    out["board_lot"] = pd.to_numeric(out["board_lot"].str.replace(",", ""), errors="coerce")
    out["markers"] = out["short_name"].map(markers)
    out["isin"] = out["isin"].astype(object).where(out["isin"] != "", None)
    return out[ISSUER_COLUMNS].reset_index(drop=True)


def _rows(content: bytes, where: str) -> list[tuple]:
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"{where}: not an XLSX workbook ({type(exc).__name__})",
                          kind="malformed") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # HKEX's file declares a stale A1:R8 dimension
        return [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    finally:
        book.close()


def _updated(rows: list[tuple], where: str, today: date) -> date:
    title = str(rows[0][0] or "").strip() if rows else ""
    if title != "List of Securities":
        raise SourceError(f"{where}: row 1 is {title[:60]!r}, not 'List of Securities'",
                          kind="malformed")
    text = str(rows[1][0] or "").strip() if len(rows) > 1 else ""
    found = _UPDATED.fullmatch(text)
    try:
        as_of = date(int(found[3]), int(found[2]), int(found[1])) if found else None
    except ValueError:
        as_of = None
    if as_of is None:
        raise SourceError(f"{where}: row 2 is {text[:60]!r}, not 'Updated as at DD/MM/YYYY'",
                          kind="malformed")
    if as_of > today:
        raise SourceError(f"{where}: updated as at {as_of}, after today {today} (Hong Kong)",
                          kind="rejected")
    return as_of


def fetch(config: SourceConfig, *, today: date) -> SecuritiesList:
    """Today's list from ``HKPIPE_HKEX_SECURITIES_URL`` (used as given), in one attempt bounded by
    the source's timeout. Retries are the ingest path's (``ingest.fetch.with_retries``)."""
    import httpx

    url = config.options["url"]
    where = f"HKEX List of Securities {url}"
    deadline = time.monotonic() + config.timeout
    try:
        with httpx.Client(follow_redirects=True, headers={"User-Agent": "hkpipe"}) as client, \
                client.stream("GET", url, timeout=config.timeout) as response:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the whole answer took longer than the timeout")
            status, headers = response.status_code, response.headers
    except httpx.TimeoutException:
        raise SourceError(f"{where}: no complete answer within {config.timeout:g} s",
                          kind="timeout", retryable=True) from None
    except httpx.TransportError as exc:
        raise SourceError(f"{where}: unreachable ({type(exc).__name__}: {str(exc)[:100]})",
                          kind="unreachable") from None
    if status == 429:
        raise rate_limited(where, "HKEX", headers.get("retry-after"))
    if status >= 500:
        raise SourceError(f"{where}: HKEX server error HTTP {status}", kind="server_error",
                          retryable=True)
    if status >= 400:
        raise SourceError(f"{where}: HTTP {status} (check HKPIPE_HKEX_SECURITIES_URL)",
                          kind="malformed")
    return parse(b"".join(chunks), where, today=today)


SOURCE = Source(
    name="hkex_list", label="HKEX List of Securities", serves=frozenset({"listings"}),
    is_exchange=True, env="HKEX_LIST",
    # one workbook (about 1.3 MB) a day
    defaults=SourceConfig(rate=1.0, timeout=60.0, attempts=3),
    options={"url": ("HKPIPE_HKEX_SECURITIES_URL", LIST_URL)},
    fetch=fetch)
SOURCES = (SOURCE,)
