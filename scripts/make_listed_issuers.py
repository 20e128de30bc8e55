"""Build seeds/listed_issuers.csv, the baseline of equity issuers HKEX listed at 2025-12-31.

Run by a maintainer when the source table changes; the pipeline only reads the seed. The input
is ``hk_listed_companies.csv`` of the sourced listings data (its PROVENANCE.md names the HKEX
List of Securities 2025-12-31 and the IPO tables it was built from, and the filters applied:
Equity, HKD, no trading-only, RMB/USD, parallel-trading or nil-paid rights lines).

    python scripts/make_listed_issuers.py --listings-dir PATH/TO/data/listings \
        --out seeds/listed_issuers.csv

Nothing is added or changed: the rows are the source's, its columns renamed. A listing date is
blank where the sources give none (most pre-2018 issuers); ``short_name`` is HKEX's short name
on 2025-12-31, or the name at listing (English, else Chinese) for issuers no longer on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

COLUMNS = ["stock_code", "short_name", "isin", "board", "listing_date", "delisting_date",
           "listed_at_2025_12_31", "source"]


def _first(src: pd.DataFrame, *columns: str) -> pd.Series:
    """Per row, the first of ``columns`` that is not blank."""
    out = src[columns[0]]
    for column in columns[1:]:
        out = out.where(out != "", src[column])
    return out


def build(listings_dir: Path) -> pd.DataFrame:
    src = pd.read_csv(listings_dir / "hk_listed_companies.csv", dtype=str,
                      keep_default_na=False)
    out = pd.DataFrame({
        "stock_code": src["stock_code"],
        "short_name": _first(src, "short_name_los_20251231", "name_en_at_listing", "name_zh"),
        "isin": src["isin"],
        "board": src["board"],
        "listing_date": src["listing_date"],
        "delisting_date": src["delisting_date"],
        # 'Y', 'N' (a delisting date is known) or 'N (not in LoS 2025-12-31)', as the source has
        "listed_at_2025_12_31": src["listed_at_2025_12_31"],
        "source": src["sources"],
    })
    return out.sort_values(["stock_code", "listing_date"], kind="stable")[COLUMNS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("seeds/listed_issuers.csv"))
    args = parser.parse_args(argv)
    frame = build(args.listings_dir)
    frame.to_csv(args.out, index=False, lineterminator="\n")
    listed = (frame["listed_at_2025_12_31"] == "Y").sum()
    print(f"wrote {args.out}: {len(frame)} rows, {listed} listed at 2025-12-31")
    return 0


if __name__ == "__main__":
    sys.exit(main())
