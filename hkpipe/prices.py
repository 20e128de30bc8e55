"""The one shape every price source returns, and the rules every price batch must pass.

A price frame has ``PRICE_COLUMNS``: HK-local ``trade_date`` (datetime64, midnight, no tz),
float prices, nullable volume and turnover. ``validate`` is applied to every batch before it
reaches the warehouse, whatever its source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import bounds
from .csvio import (
    CHUNK_ROWS,
    LINE,
    deferred,
    deferring,
    fail_first,
    parse_dates,
    parse_numbers,
    read_chunks,
    read_table,
)
from .errors import InputError
from .settings import hk_today

PRICE_COLUMNS = ["symbol", "trade_date", "open", "high", "low", "close", "adj_close",
                 "volume", "turnover_hkd"]
VALUE_COLUMNS = PRICE_COLUMNS[2:]
# A stock_prices row (per listing, as a source served it; the bundled files' header too).
STOCK_COLUMNS = ("stock_code", "listing_date", "trade_date", "open", "high", "low", "close",
                 "adj_close", "volume", "price_basis")

# The sane range of each value column, whatever the source (hkpipe/bounds.py says why).
BOUNDS = {"open": bounds.PRICE, "high": bounds.PRICE, "low": bounds.PRICE,
          "close": bounds.PRICE, "adj_close": bounds.PRICE,
          "volume": bounds.QUANTITY, "turnover_hkd": bounds.QUANTITY}

# Columns accepted in a price CSV (snapshot files and analysts' imports).
CSV_REQUIRED = ["date", "close"]
CSV_OPTIONAL = ["open", "high", "low", "adj_close", "volume", "turnover_hkd"]


__all__ = ["PRICE_COLUMNS", "VALUE_COLUMNS", "hk_today", "read_price_csv", "validate"]


def read_price_csv(path: str | Path, symbol: str, *, volume_means: str = "volume",
                   today: date | None = None) -> pd.DataFrame:
    """Read a ``date,open,high,low,close[,adj_close,volume,turnover_hkd]`` file.

    ``volume_means='turnover_hkd'`` stores the file's ``volume`` column as turnover (the HSI
    snapshot's volume is HKEX market turnover in HKD, not a share count).
    """
    frame = price_rows(read_table(path, CSV_REQUIRED, CSV_OPTIONAL), path, symbol,
                       volume_means=volume_means, today=today)
    return _dedupe(frame, path)


def stream_price_csv(path: str | Path, symbol: str, stage, *, today: date | None = None,
                     chunk_rows: int = CHUNK_ROWS) -> None:
    """``read_price_csv`` in chunks of ``chunk_rows`` rows, for a file of any size: each chunk
    whose rows pass every row rule is handed to ``stage(frame)`` (not sorted, not deduplicated;
    ``hkpipe.imports`` does that set-wise). A bad row is refused, after the whole file has been
    read, with the message, line and field ``read_price_csv`` would give; the chunks after the
    first bad one are checked but not staged."""
    with deferred() as findings:
        for raw in read_chunks(path, CSV_REQUIRED, CSV_OPTIONAL, chunk_rows=chunk_rows):
            findings.chunk()
            frame = price_rows(raw, path, symbol, today=today)
            if findings.error is None:
                stage(frame)
    findings.raise_first()


def price_rows(frame: pd.DataFrame, path: str | Path, symbol: str, *,
               volume_means: str = "volume", today: date | None = None) -> pd.DataFrame:
    """A ``read_table`` frame of a price file as a price frame whose every row passes the row
    rules of ``validate`` (in file order, duplicates kept)."""
    out = pd.DataFrame({"symbol": symbol, LINE: frame[LINE]})
    out["trade_date"] = parse_dates(path, frame, "date", required=True)
    for col in VALUE_COLUMNS:
        out[col] = parse_numbers(path, frame, col, required=(col == "close"), bound=BOUNDS[col])
    if volume_means == "turnover_hkd":
        fail_first(path, frame, (frame["turnover_hkd"] != "") & (frame["volume"] != ""),
                   "turnover_hkd", "both volume and turnover_hkd given; this file's volume "
                   "already means turnover")
        out["turnover_hkd"] = out["turnover_hkd"].fillna(out["volume"])
        out["volume"] = float("nan")
    check_rows(out, path, today=today)
    return out


def validate(frame: pd.DataFrame, origin: str | Path, *, today: date | None = None,
             ranges: bool = True) -> pd.DataFrame:
    """Check a price batch; return it sorted by date with exact duplicates dropped.

    Rejects: missing close, non-positive prices, a value that is not finite or outside the
    sane range of its kind (``BOUNDS``, ``hkpipe.bounds``), high below low, open or close outside
    [low, high] (unless ``ranges`` is False), negative volume or turnover, dates after today
    in Hong Kong (``today``, else ``settings.hk_today()``: HKPIPE_NOW or the wall clock), and
    one date given twice with different values. ``origin`` names the file or source in errors.
    """
    if frame.empty:
        raise InputError(origin, "no price rows")
    if LINE not in frame.columns:
        frame = frame.assign(**{LINE: pd.NA})
    check_rows(frame, origin, today=today, ranges=ranges)
    return _dedupe(frame, origin)


def check_rows(frame: pd.DataFrame, origin: str | Path, *, today: date | None = None,
               ranges: bool = True) -> None:
    """``validate``'s rules on each row alone (all but the duplicate dates), in its order.

    Every rule's mask is computed once, on numpy arrays: a universe refresh validates hundreds
    of five-row frames, where pandas operations rule by rule cost about 2.4 ms a frame and
    these about 0.5 ms. Only when a mask holds a row (or inside ``csvio.deferred``, which
    counts every rule of every chunk) does ``fail_first`` go through them to name it."""
    limit = pd.Timestamp(today or hk_today())
    rules = _row_rules(frame, limit, ranges)
    if not deferring() and not any(bad.any() for bad, _, _ in rules):
        return
    day = frame["trade_date"].dt.strftime("%Y-%m-%d")
    for bad, field, text in rules:
        fail_first(origin, frame, pd.Series(bad, index=frame.index), field,
                   lambda r, text=text: f"{day[r.name]}: {text(r)}")


def _row_rules(frame: pd.DataFrame, limit: pd.Timestamp, ranges: bool
               ) -> list[tuple[np.ndarray, str, object]]:
    """The row rules in order: (mask of the rows that break it, field, message of a row)."""
    v = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
         for c in VALUE_COLUMNS}
    rules = [(np.isnan(v["close"]), "close", lambda r: "close is missing")]
    with np.errstate(invalid="ignore"):
        for col in ("open", "high", "low", "close", "adj_close"):
            rules += [(v[col] <= 0, col, lambda r, c=col: f"{c} {r[c]} is not a positive price"),
                      (BOUNDS[col].outside_array(v[col]), col,
                       lambda r, c=col: BOUNDS[c].problem(r[c], f"{c} {r[c]}"))]
        for col in ("volume", "turnover_hkd"):
            rules += [(v[col] < 0, col, lambda r, c=col: f"{c} {r[c]} is negative"),
                      (BOUNDS[col].outside_array(v[col]), col,
                       lambda r, c=col: BOUNDS[c].problem(r[c], f"{c} {r[c]}")),
                      (~np.isnan(v[col]) & (v[col] % 1 != 0), col,
                       lambda r, c=col: f"{c} {r[c]} is not a whole number")]
        rules.append((v["high"] < v["low"], "high",
                      lambda r: f"high {r['high']} is below low {r['low']}"))
        for col in ("open", "close") if ranges else ():
            rules.append(((v[col] < v["low"]) | (v[col] > v["high"]), col,
                          lambda r, c=col: f"{c} {r[c]} is outside [low {r['low']}, "
                                           f"high {r['high']}]"))
    future = (frame["trade_date"] > limit).to_numpy(dtype=bool, na_value=False)
    rules.append((future, "date",
                  lambda r: f"is in the future (today in Hong Kong is {limit.date()})"))
    return rules


def check_trading_days(frame: pd.DataFrame, origin: str | Path, days: set[date]) -> None:
    """Reject a row dated on a day the exchange did not trade (``calendar.trading_days``)."""
    dates = frame["trade_date"].dt.date
    fail_first(origin, frame, ~dates.isin(days), "date",
               lambda r: f"{r['trade_date']:%Y-%m-%d} ({r['trade_date']:%A}) is not an XHKG "
                         "session nor a documented extra session "
                         "(expectations/xhkg_exceptions.csv)")


def _dedupe(frame: pd.DataFrame, origin) -> pd.DataFrame:
    frame = frame.sort_values(["symbol", "trade_date"], kind="stable")
    keys = ["symbol", "trade_date"]
    if not frame.duplicated(keys).any():  # no date twice, so no exact duplicate either
        return frame.reset_index(drop=True)
    exact = frame.duplicated(keys + VALUE_COLUMNS, keep="first")
    frame = frame.loc[~exact]
    clash = frame.duplicated(keys, keep=False)
    if clash.any():
        rows = frame.loc[clash]
        first = rows.iloc[0]
        same = rows[(rows["symbol"] == first["symbol"])
                     & (rows["trade_date"] == first["trade_date"])]
        lines = [str(int(v)) for v in same[LINE] if pd.notna(v)]
        where = f" (lines {', '.join(lines)})" if lines else ""
        raise InputError(origin, f"{first['trade_date'].date()} appears more than once with "
                         f"different values{where}", line=int(first[LINE])
                         if pd.notna(first[LINE]) else None, field="date")
    return frame.reset_index(drop=True)
