"""Build seeds/ipo_offers.csv and seeds/stocks/*.csv.gz from the team's sourced data folder.

Run by a maintainer, never by the pipeline: the sourced data folder (``ipo/``, ``stocks/``
and ``stocks_stooq/``, each with its PROVENANCE.md) is not part of the project. Every value is
copied as the source wrote it; the steps below only select, re-key and label rows, and
seeds/stocks/PROVENANCE.md names each of them.

    python scripts/make_stock_seeds.py --data PATH/TO/data

Selection and labels:
- only the curated listings of seeds/new_economy_listings.csv, keyed (stock_code,
  listing_date); a price row belongs to the listing whose period [listing_date,
  delisting_date) covers its date, and rows no listing period covers are left out;
- rows on days that are not XHKG sessions (seeds/xhkg_sessions.csv) are left out and
  counted;
- price_basis: Yahoo's set is 'adjusted' throughout (auto_adjust=True); a Stooq row is
  'unadjusted' after its file's last fractional-volume date (stocks_stooq/manifest.csv,
  the provenance's working rule) and 'adjusted' on or before it.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
STOCK_COLUMNS = ["stock_code", "listing_date", "trade_date", "open", "high", "low", "close",
                 "adj_close", "volume", "price_basis"]


def listings() -> pd.DataFrame:
    frame = pd.read_csv(SEEDS / "new_economy_listings.csv", dtype=str, keep_default_na=False)
    return frame[["stock_code", "listing_date", "delisting_date", "name_en", "board",
                  "listing_type"]]


def sessions() -> set[str]:
    return set(pd.read_csv(SEEDS / "xhkg_sessions.csv", dtype=str)["session"])


def assign(rows: pd.DataFrame, periods: pd.DataFrame, counts: Counter, vendor: str) -> pd.DataFrame:
    """Give each (stock_code, trade_date) row the listing whose period covers it."""
    out = []
    for code, group in rows.groupby("stock_code", sort=False):
        mine = periods[periods.stock_code == code]
        kept = 0
        for _, p in mine.iterrows():
            inside = group.trade_date >= p.listing_date
            if p.delisting_date:
                inside &= group.trade_date < p.delisting_date
            part = group[inside].copy()
            part["listing_date"] = p.listing_date
            out.append(part)
            kept += len(part)
        counts[f"{vendor}: rows outside every listing period of their code"] += len(group) - kept
    return pd.concat(out, ignore_index=True)


def yahoo(data: Path, periods: pd.DataFrame, counts: Counter) -> pd.DataFrame:
    frames = []
    for code in sorted(set(periods.stock_code)):
        path = data / "stocks" / f"{code}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame.rename(columns={"date": "trade_date"})
        frame.insert(0, "stock_code", code)
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    counts["yahoo: files"] = rows.stock_code.nunique()
    counts["yahoo: rows read"] = len(rows)
    out = assign(rows, periods, counts, "yahoo")
    out["price_basis"] = "adjusted"
    return out


def stooq(data: Path, periods: pd.DataFrame, counts: Counter) -> pd.DataFrame:
    manifest = pd.read_csv(data / "stocks_stooq" / "manifest.csv", dtype=str,
                           keep_default_na=False)
    frames = []
    for _, m in manifest.iterrows():
        raw = pd.read_csv(data / "stocks_stooq" / m.file, dtype=str, keep_default_na=False)
        raw.columns = [c.strip("<>").lower() for c in raw.columns]
        assert (raw.per == "D").all() and (raw.time == "000000").all(), m.file
        day = raw.date.str[:4] + "-" + raw.date.str[4:6] + "-" + raw.date.str[6:]
        frame = pd.DataFrame({"stock_code": m.stock_code, "trade_date": day, "open": raw.open,
                              "high": raw.high, "low": raw.low, "close": raw.close,
                              "adj_close": "", "volume": raw.vol})
        last_adjusted = m.last_fractional_volume_date
        if last_adjusted:
            cut = f"{last_adjusted[:4]}-{last_adjusted[4:6]}-{last_adjusted[6:]}"
            frame["price_basis"] = (frame.trade_date > cut).map({True: "unadjusted",
                                                                 False: "adjusted"})
        else:
            frame["price_basis"] = "unadjusted"
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    counts["stooq: files"] = rows.stock_code.nunique()
    counts["stooq: rows read"] = len(rows)
    return assign(rows, periods, counts, "stooq")


def drop_non_sessions(frame: pd.DataFrame, days: set[str], counts: Counter,
                      vendor: str) -> pd.DataFrame:
    on_session = frame.trade_date.isin(days)
    for day, n in frame.loc[~on_session, "trade_date"].value_counts().sort_index().items():
        counts[f"{vendor}: rows on {day}, not an XHKG session"] = n
    return frame[on_session]


def write_gz(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.sort_values(["stock_code", "listing_date", "trade_date"])[STOCK_COLUMNS]
    text = io.StringIO()
    frame.to_csv(text, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across rebuilds of the same data.
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as out:
        out.write(text.getvalue().encode())


def _funds_raised(row: pd.Series) -> tuple[str, str]:
    """(funds raised, which figure): NLR 2025's (a) + (b) lines summed exactly, else the
    Bridge's figure, else nothing."""
    hk, intl = row.funds_raised_hk_offer_hkd_nlr2025, row.funds_raised_intl_offer_hkd_nlr2025
    if hk and intl:
        return (str(Decimal(hk) + Decimal(intl)),
                "NLR 2025 (a) Hong Kong + (b) International offers, HK$")
    if row.funds_raised_bridge:
        return (row.funds_raised_bridge, "Bridge official_funds_raised (unit not stated; equals "
                "the NLR HK$ total in 105 of 110 overlaps)")
    return "", ""


def offers(data: Path, keys: pd.DataFrame, counts: Counter) -> pd.DataFrame:
    a = pd.read_csv(data / "ipo" / "ipo_offers_2018_2022.csv", dtype=str, keep_default_na=False)
    a_out = pd.DataFrame({
        "stock_code": a.stock_code, "listing_date": a.listing_date, "name_en": a.name_en,
        "board": a.board, "offer_price": a.offer_price, "offer_price_low": a.offer_price_low,
        "offer_price_high": a.offer_price_high, "funds_raised_hkd": "",
        "funds_raised_basis": "", "sponsors": a.sponsor, "notes": a.notes, "source": a.source,
    })
    b = pd.read_csv(data / "ipo" / "ipo_offers_2022_2025.csv", dtype=str, keep_default_na=False)
    funds = b.apply(_funds_raised, axis=1, result_type="expand")
    usable = b.usable_as_ipo_offer == "Y"
    notes = b["flags"].where(usable, (b["flags"] + "; not usable as an IPO offer")
                             .str.removeprefix("; "))
    b_out = pd.DataFrame({
        "stock_code": b.stock_code, "listing_date": b.listing_date, "name_en": b.name_en,
        "board": b.board, "offer_price": b.offer_price.where(usable, ""),
        "offer_price_low": "", "offer_price_high": "", "funds_raised_hkd": funds[0],
        "funds_raised_basis": funds[1], "sponsors": b.sponsor, "notes": notes,
        "source": b.source,
    })
    both = pd.concat([a_out, b_out], ignore_index=True)
    counts["offers: rows read"] = len(both)
    kept = both.merge(keys[["stock_code", "listing_date"]], on=["stock_code", "listing_date"])
    counts["offers: rows of listings not in new_economy_listings"] = len(both) - len(kept)
    assert not kept.duplicated(["stock_code", "listing_date"]).any()
    return kept.sort_values(["listing_date", "stock_code"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the sourced data folder holding ipo/, stocks/ and stocks_stooq/")
    args = parser.parse_args()
    periods = listings()
    days = sessions()
    counts: Counter = Counter()
    off = offers(args.data, periods, counts)
    off.to_csv(SEEDS / "ipo_offers.csv", index=False, lineterminator="\n")
    for vendor, frame in (("yahoo", yahoo(args.data, periods, counts)),
                          ("stooq", stooq(args.data, periods, counts))):
        frame = drop_non_sessions(frame, days, counts, vendor)
        counts[f"{vendor}: rows written"] = len(frame)
        counts[f"{vendor}: listings written"] = len(frame.groupby(["stock_code",
                                                                   "listing_date"]))
        write_gz(frame, SEEDS / "stocks" / f"{vendor}.csv.gz")
    counts["offers: rows written"] = len(off)
    for key, n in counts.items():
        print(f"{key}: {n}")


if __name__ == "__main__":
    main()
