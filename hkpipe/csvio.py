"""Strict CSV reading: every problem names the file, the line and the column.

Files are read whole and parsed with the stdlib ``csv`` module (so quoted fields and line
numbers are right), then validated column-wise with pandas: no per-row Python logic.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import bounds
from .errors import InputError

LINE = "_line"  # column holding each row's line number in the file


def read_table(
    path: str | Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    allow_extra: bool = False,
) -> pd.DataFrame:
    """Read ``path`` as UTF-8 CSV with a header; return all cells as stripped strings.

    The frame has the required columns, the optional ones present in the file (missing ones
    filled with ""), and ``_line``. Raises InputError for an unreadable, empty, non-UTF-8 or
    wrongly delimited file, missing or unexpected columns, ragged rows, or no data rows.
    """
    path = Path(path)
    required, optional = list(required), list(optional)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a CSV file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(path, "file is empty (expected a header and data rows)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                         f"{exc.start}); save the file as UTF-8", line=line) from None
    if "\x00" in text:
        raise InputError(path, "contains NUL bytes; not a text CSV file",
                         line=text[: text.index("\x00")].count("\n") + 1)

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV header: {exc}", line=1) from None
    header = [h.strip() for h in header]
    _check_header(path, header, required, optional, allow_extra)

    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    try:
        start = reader.line_num + 1
        for row in reader:
            if row and not (len(row) == 1 and not row[0].strip()):
                if len(row) != width:
                    raise InputError(path, f"expected {width} fields as in the header, "
                                     f"found {len(row)}", line=start)
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    if not rows:
        raise InputError(path, "header only: no data rows", line=1)

    frame = pd.DataFrame(rows, columns=header, dtype="string").apply(lambda s: s.str.strip())
    frame = frame.astype(object)
    for name in optional:
        if name not in frame.columns:
            frame[name] = ""
    frame[LINE] = lines
    return frame


def _check_header(path, header, required, optional, allow_extra) -> None:
    if len(header) == 1 and len(required) > 1:
        for sep in (";", "\t", "|"):
            if sep in header[0]:
                raise InputError(path, f"header is one column containing {sep!r}: wrong "
                                 "delimiter, expected commas", line=1)
    seen = set()
    for name in header:
        if not name:
            raise InputError(path, "empty column name in header", line=1)
        if name in seen:
            raise InputError(path, "column appears twice in header", line=1, field=name)
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; header is "
                         f"{','.join(header)}", line=1, field=missing[0])
    if not allow_extra:
        extra = [c for c in header if c not in required and c not in optional]
        if extra:
            raise InputError(path, f"unexpected column(s) {', '.join(extra)}; allowed: "
                             f"{', '.join(required + optional)}", line=1, field=extra[0])


# --- column validators: vectorised, each raises on the first bad row -------------------

def fail_first(path, frame: pd.DataFrame, bad: pd.Series, field: str, message) -> None:
    """Raise InputError for the first row where ``bad`` is true.

    ``message`` is a string or a callable taking the offending row.
    """
    if not bool(bad.any()):
        return
    hits = frame.loc[bad.fillna(False).astype(bool)]
    first = hits.iloc[0]
    text = message(first) if callable(message) else message
    more = len(hits) - 1
    if more:
        text += f" (and {more} more row{'s' if more > 1 else ''} like it)"
    line = first.get(LINE)
    raise InputError(path, text, line=int(line) if pd.notna(line) else None, field=field)


def parse_dates(path, frame: pd.DataFrame, field: str, *, required: bool) -> pd.Series:
    """ISO dates (YYYY-MM-DD) -> datetime64; empty cells are NaT unless required."""
    text = frame[field]
    empty = text == ""
    if required:
        fail_first(path, frame, empty, field, "empty; a date YYYY-MM-DD is required")
    parsed = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
    fail_first(path, frame, parsed.isna() & ~empty, field,
               lambda r: f"{r[field]!r} is not a date in YYYY-MM-DD form")
    return parsed


def parse_numbers(path, frame: pd.DataFrame, field: str, *, required: bool,
                  bound: bounds.Bound = bounds.NUMBER) -> pd.Series:
    """Decimal numbers -> float64; rejects thousands separators, NaN and infinity words, and
    a number that is not finite (``1e309``) or outside ``bound``, its kind's sane range
    (``hkpipe.bounds``: a price, a volume or amount, another number)."""
    text = frame[field]
    empty = text == ""
    if required:
        fail_first(path, frame, empty, field, "empty; a number is required")
    looks_numeric = text.str.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    fail_first(path, frame, ~empty & ~looks_numeric.astype(bool), field,
               lambda r: f"{r[field]!r} is not a number (plain digits and '.', "
                         "no thousands separators)")
    numbers = pd.to_numeric(text.where(~empty), errors="coerce").astype("float64")
    fail_first(path, frame, bound.outside(numbers), field,
               lambda r: bound.problem(numbers[r.name], repr(r[field])))
    return numbers
