"""Strict CSV reading: every problem names the file, the line and the column.

Files are parsed with the stdlib ``csv`` module (so quoted fields and line numbers are right),
then validated column-wise with pandas: no per-row Python logic. ``read_table`` returns the
whole file as one frame; ``read_chunks`` streams it as frames of at most ``CHUNK_ROWS`` rows
(``hkpipe import-prices``), and ``deferred`` collects the column validators' findings over the
chunks, so a streamed file is refused with the same message as a whole one.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import pandas as pd

from . import bounds
from .errors import InputError, reading

LINE = "_line"  # column holding each row's line number in the file
# Rows per frame of a streamed CSV: what bounds a streamed read's memory (with the stage's
# limit, warehouse/staging.py, a 50 MB import peaks about 40 MiB above a 5-row one).
CHUNK_ROWS = 50_000
BLOCK_BYTES = 1 << 20  # bytes read at a time by the encoding check


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
    return next(read_chunks(path, required, optional, allow_extra=allow_extra, chunk_rows=None))


def read_chunks(
    path: str | Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    allow_extra: bool = False,
    chunk_rows: int | None = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """``read_table`` in frames of at most ``chunk_rows`` rows (None: one frame), in file order.

    The whole file's encoding is checked first (in blocks) and its rows' shape as they are
    read, so a file is refused for the same problem, on the same line, as by ``read_table``;
    only the frames before a ragged or malformed row have been yielded by then."""
    path = Path(path)
    required, optional = list(required), list(optional)
    _check_bytes(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise InputError(path, f"malformed CSV header: {exc}", line=1) from None
        header = [h.strip() for h in header]
        _check_header(path, header, required, optional, allow_extra)

        rows: list[list[str]] = []
        lines: list[int] = []
        width = len(header)
        any_rows = False
        try:
            start = reader.line_num + 1
            for row in reader:
                if row and not (len(row) == 1 and not row[0].strip()):
                    if len(row) != width:
                        raise InputError(path, f"expected {width} fields as in the header, "
                                         f"found {len(row)}", line=start)
                    rows.append(row)
                    lines.append(start)
                    if chunk_rows and len(rows) >= chunk_rows:
                        any_rows = True
                        yield _frame(rows, lines, header, optional)
                        rows, lines = [], []
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    if rows:
        yield _frame(rows, lines, header, optional)
    elif not any_rows:
        raise InputError(path, "header only: no data rows", line=1)


def _frame(rows: list[list[str]], lines: list[int], header: list[str],
           optional: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, dtype="string").apply(lambda s: s.str.strip())
    frame = frame.astype(object)
    for name in optional:
        if name not in frame.columns:
            frame[name] = ""
    frame[LINE] = lines
    return frame


def _check_bytes(path: Path) -> None:
    """Refuse a file that cannot be read, is empty (whitespace only), is not UTF-8 (naming the
    first bad byte, its offset and line) or holds a NUL byte; read in blocks of
    ``BLOCK_BYTES``, never whole."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = newlines = 0  # bytes and line breaks before the block being read
    content = False
    nul_line = None
    with reading(path, "CSV file"):
        with open(path, "rb") as handle:
            while True:
                block = handle.read(BLOCK_BYTES)
                pending = decoder.getstate()[0]  # an incomplete character held from before
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    data = pending + block
                    at = offset - len(pending) + exc.start
                    raise InputError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at "
                                     f"offset {at}); save the file as UTF-8",
                                     line=newlines + data[: exc.start].count(b"\n") + 1
                                     ) from None
                if not block:
                    break
                content = content or bool(block.strip())
                if nul_line is None and b"\x00" in block:
                    nul_line = newlines + block[: block.index(b"\x00")].count(b"\n") + 1
                offset += len(block)
                newlines += block.count(b"\n")
    if not content:
        raise InputError(path, "file is empty (expected a header and data rows)")
    if nul_line is not None:
        raise InputError(path, "contains NUL bytes; not a text CSV file", line=nul_line)


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
    findings = _DEFERRED.get()
    rule = findings.next_rule() if findings is not None else None
    if findings is not None and not findings.wants(rule):
        return  # an earlier rule has failed on an earlier chunk: this one cannot be reported
    if not bool(bad.any()):
        return
    hits = frame.loc[bad.fillna(False).astype(bool)]
    if findings is not None and findings.adds(rule, len(hits)):
        return  # the same rule failed on an earlier chunk, which holds its first row
    first = hits.iloc[0]
    text = message(first) if callable(message) else message
    line = first.get(LINE)
    error = (path, text, int(line) if pd.notna(line) else None, field)
    if findings is not None:
        findings.found(rule, error, len(hits))
        return
    raise _error(*error, more=len(hits) - 1)


def _error(path, text: str, line: int | None, field: str, *, more: int) -> InputError:
    if more:
        text += f" (and {more} more row{'s' if more > 1 else ''} like it)"
    return InputError(path, text, line=line, field=field)


class Findings:
    """``fail_first``'s findings over the chunks of one file, in file order (``deferred``).

    The validators run on each chunk in the same order, so the n-th ``fail_first`` call of a
    chunk is the same rule in every chunk. Kept: the earliest rule that failed, its first row
    (from the first chunk it failed on) and how many rows it failed on in all; ``raise_first``
    then raises what one validation of the whole file would have raised."""

    def __init__(self) -> None:
        self.rule = 0  # fail_first calls so far in this chunk
        self.failed: int | None = None  # the earliest rule that failed
        self.error: tuple | None = None
        self.rows = 0

    def chunk(self) -> None:
        """A new chunk starts: its rules are counted from the first again."""
        self.rule = 0

    def next_rule(self) -> int:
        self.rule += 1
        return self.rule

    def wants(self, rule: int) -> bool:
        return self.failed is None or rule <= self.failed

    def adds(self, rule: int, rows: int) -> bool:
        if rule != self.failed:
            return False
        self.rows += rows
        return True

    def found(self, rule: int, error: tuple, rows: int) -> None:
        self.failed, self.error, self.rows = rule, error, rows

    def raise_first(self) -> None:
        if self.error is not None:
            raise _error(*self.error, more=self.rows - 1)


_DEFERRED: ContextVar[Findings | None] = ContextVar("hkpipe_csvio_findings", default=None)


def deferring() -> bool:
    """True inside ``deferred``: ``fail_first`` is recording, rule by rule, not raising."""
    return _DEFERRED.get() is not None


@contextmanager
def deferred() -> Iterator[Findings]:
    """Within this block ``fail_first`` records into the yielded ``Findings`` instead of
    raising: call its ``chunk()`` before validating each chunk and ``raise_first()`` after
    the last."""
    findings = Findings()
    token = _DEFERRED.set(findings)
    try:
        yield findings
    finally:
        _DEFERRED.reset(token)


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
