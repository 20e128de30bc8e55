"""Curated seed files: declared columns, strict validation, typed frames.

Each seed is a ``SeedSpec``: its columns with kinds, the key that must be unique, and extra
row rules. ``read_seed`` rejects the whole file at the first problem, naming file, line and
column, before anything reaches the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import bounds
from .csvio import LINE, fail_first, parse_dates, parse_numbers, read_table
from .errors import InputError
from .settings import hk_today


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | date | number | code5
    required: bool = False
    choices: tuple[str, ...] | None = None
    bound: bounds.Bound = bounds.NUMBER  # a number's sane range (hkpipe/bounds.py)


@dataclass(frozen=True)
class SeedSpec:
    file: str  # path under the seeds folder
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[Callable[[Path, pd.DataFrame], None], ...] = field(default=())
    optional: bool = False  # a missing file loads an empty table


# The end of every seed row that `hkpipe listings propose` wrote, until a person reviews it.
AWAITS_REVIEW = "proposed by hkpipe listings propose; awaits review"

def read_seed(seeds_dir: Path, spec: SeedSpec, *, today: date | None = None) -> pd.DataFrame:
    """Read and validate one seed file; return its columns typed, in declared order."""
    path = Path(seeds_dir) / spec.file
    names = [c.name for c in spec.columns]
    if spec.optional and not path.exists():
        return pd.DataFrame({name: pd.Series(dtype=object) for name in [*names, LINE]})
    raw = read_table(path, [c.name for c in spec.columns if c.required],
                     [c.name for c in spec.columns if not c.required])
    limit = pd.Timestamp(today or hk_today())
    out = pd.DataFrame({LINE: raw[LINE]})
    for col in spec.columns:
        text = raw[col.name]
        if col.required:
            fail_first(path, raw, text == "", col.name, "empty; a value is required")
        if col.kind == "date":
            value = parse_dates(path, raw, col.name, required=col.required)
            fail_first(path, raw, value > limit, col.name,
                       lambda r, c=col.name: f"{r[c]} is in the future (today is "
                                             f"{limit.date()})")
            out[col.name] = value.dt.date
        elif col.kind == "number":
            out[col.name] = parse_numbers(path, raw, col.name, required=col.required,
                                          bound=col.bound)
        elif col.kind == "code5":
            bad = (text != "") & ~text.str.fullmatch(r"\d{5}").astype(bool)
            fail_first(path, raw, bad, col.name,
                       lambda r, c=col.name: f"{r[c]!r} is not a 5-digit stock code "
                                             "(keep leading zeros, e.g. 00700)")
            out[col.name] = text.where(text != "", None)
        else:
            out[col.name] = text.where(text != "", None)
        if col.choices is not None:
            bad = (text != "") & ~text.isin(col.choices)
            fail_first(path, raw, bad, col.name,
                       lambda r, c=col: f"{r[c.name]!r} is not one of "
                                        f"{', '.join(c.choices)}")
    dup = out.duplicated(list(spec.key), keep=False)
    if dup.any():
        rows = out.loc[dup]
        first = rows.iloc[0]
        same = rows[(rows[list(spec.key)] == first[list(spec.key)]).all(axis=1)]
        key = ", ".join(f"{k}={first[k]}" for k in spec.key)
        raise InputError(path, f"duplicate key ({key}) also on line(s) "
                         f"{', '.join(str(v) for v in same[LINE].iloc[1:])}",
                         line=int(first[LINE]), field=spec.key[0])
    for rule in spec.rules:
        rule(path, out)
    return out[names + [LINE]]


def frame_for_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The seed frame without the line-number bookkeeping column."""
    return frame.drop(columns=[LINE])


# --- the seeds this project ships --------------------------------------------------------

def _volume_means_known(path: Path, frame: pd.DataFrame) -> None:
    fail_first(path, frame, frame["snapshot_file"].notna() & frame["snapshot_volume_means"]
               .isna(), "snapshot_volume_means", "required when snapshot_file is set")


INDEXES = SeedSpec(
    file="indexes.csv",
    table="indexes",
    columns=(
        Column("symbol", required=True),
        Column("name", required=True),
        Column("provider", required=True),
        Column("yahoo_symbol"),
        Column("hkex_ric"),
        Column("snapshot_file"),
        Column("snapshot_volume_means", choices=("volume", "turnover_hkd")),
        Column("data_source", required=True),
        Column("launch_date", "date"),
        Column("base_date", "date"),
        Column("base_value", "number", bound=bounds.PRICE),  # an index level
        Column("notes"),
        Column("source", required=True),
    ),
    key=("symbol",),
    rules=(_volume_means_known,),
)

TIERS = ("core", "broad", "new_consumer", "none")
REFORM_DATE = pd.Timestamp("2018-04-30").date()


def _named(path: Path, frame: pd.DataFrame) -> None:
    fail_first(path, frame, frame["name_en"].isna() & frame["name_zh"].isna(), "name_en",
               "empty; name_en or name_zh is required")


def _listing_before_delisting(path: Path, frame: pd.DataFrame) -> None:
    bad = frame["delisting_date"].notna() & (frame["delisting_date"] <= frame["listing_date"])
    fail_first(path, frame, bad, "delisting_date",
               lambda r: f"{r['delisting_date']} is not after listing_date {r['listing_date']}")


def _listed_since_reform(path: Path, frame: pd.DataFrame) -> None:
    fail_first(path, frame, frame["listing_date"] < REFORM_DATE, "listing_date",
               lambda r: f"{r['listing_date']} is before the 2018-04-30 listing reform")


def _markers_known(path: Path, frame: pd.DataFrame) -> None:
    bad = frame["markers"].notna() & ~frame["markers"].fillna("").str.fullmatch("[BPSW]*")
    fail_first(path, frame, bad, "markers",
               lambda r: f"{r['markers']!r} has letters other than the HKEX markers B, P, S, W")


def _or_none(value) -> str:
    return "no delisting date" if pd.isna(value) else str(value)


def _one_listing_per_code_at_a_time(path: Path, frame: pd.DataFrame) -> None:
    """Two rows with the same stock code may not be listed at the same time: HKEX reuses a code
    only after its holder has left, so each row must be delisted by the next listing's date."""
    ordered = frame.sort_values(["stock_code", "listing_date"])
    nxt = ordered.groupby("stock_code")[["listing_date", LINE]].shift(-1)
    clash = nxt["listing_date"].notna() & (ordered["delisting_date"].isna()
                                           | (ordered["delisting_date"] > nxt["listing_date"]))
    bad = pd.Series(False, index=frame.index)
    bad[clash[clash].index] = True
    fail_first(path, frame, bad, "delisting_date",
               lambda r: f"stock code {r['stock_code']} listed {r['listing_date']} is still "
                         f"listed ({_or_none(r['delisting_date'])}) when the same "
                         f"code lists again on {nxt.at[r.name, 'listing_date']} (line "
                         f"{int(nxt.at[r.name, LINE])}); a code has one listing at a time, so "
                         "the earlier row must be delisted by then (an upper-bound date ends at "
                         "the next listing's date; see seeds/NEW_ECONOMY.md)")


NEW_ECONOMY_LISTINGS = SeedSpec(
    file="new_economy_listings.csv",
    table="new_economy_listings",
    columns=(
        Column("stock_code", "code5", required=True),
        Column("name_en"),
        Column("name_zh"),
        Column("board"),
        Column("listing_date", "date", required=True),
        Column("listing_type"),
        Column("delisting_date", "date"),
        Column("industry"),
        Column("industry_scheme", required=True,
               choices=("yahoo", "hsics", "hsics group", "source wording", "unknown")),
        Column("markers"),
        Column("tier", required=True, choices=TIERS),
        Column("basis", required=True),
        Column("source", required=True),
    ),
    key=("stock_code", "listing_date"),
    rules=(_named, _listing_before_delisting, _listed_since_reform, _markers_known,
           _one_listing_per_code_at_a_time),
)

MARKET_EVENTS = SeedSpec(
    file="market_events.csv",
    table="market_events",
    columns=(
        Column("event_id", required=True),
        Column("event", required=True),
        Column("event_date", "date", required=True),
        Column("announced_date", "date"),
        Column("description"),
        Column("source", required=True),
    ),
    key=("event_id",),
)

PUBLISHED_COUNTS = SeedSpec(
    file="published_counts.csv",
    table="published_counts",
    columns=(
        Column("as_of", required=True),
        Column("metric", required=True),
        Column("value", required=True),
        Column("scope_note"),
        Column("speaker", required=True),
        Column("published"),
        Column("source_url", required=True),
        Column("note"),
    ),
    key=("as_of", "metric"),
)

INDEX_CONSTITUENTS = SeedSpec(
    file="index_constituents.csv",
    table="index_constituents",
    columns=(
        Column("symbol", required=True),
        Column("stock_code", "code5", required=True),
        Column("name"),
        Column("industry"),
        Column("as_of", "date", required=True),
        Column("source", required=True),
    ),
    key=("symbol", "stock_code", "as_of"),
    optional=True,  # no sourced constituent list exists for the bundled indexes
)



def _offer_range_ordered(path: Path, frame: pd.DataFrame) -> None:
    bad = frame["offer_price_high"].notna() & (frame["offer_price_low"] > frame["offer_price_high"])
    fail_first(path, frame, bad, "offer_price_high",
               lambda r: f"{r['offer_price_high']} is below offer_price_low "
                         f"{r['offer_price_low']}")


def _positive(*columns: str) -> Callable[[Path, pd.DataFrame], None]:
    def rule(path: Path, frame: pd.DataFrame) -> None:
        for col in columns:
            fail_first(path, frame, frame[col].notna() & (frame[col] <= 0), col,
                       lambda r, c=col: f"{r[c]} is not a positive number")
    return rule


IPO_OFFERS = SeedSpec(
    file="ipo_offers.csv",
    table="ipo_offers",
    columns=(
        Column("stock_code", "code5", required=True),
        Column("listing_date", "date", required=True),
        Column("name_en"),
        Column("board"),
        Column("offer_price", "number", bound=bounds.PRICE),
        Column("offer_price_low", "number", bound=bounds.PRICE),
        Column("offer_price_high", "number", bound=bounds.PRICE),
        Column("funds_raised_hkd", "number", bound=bounds.QUANTITY),
        Column("funds_raised_basis"),
        Column("sponsors"),
        Column("notes"),
        Column("source", required=True),
    ),
    key=("stock_code", "listing_date"),
    rules=(_positive("offer_price", "offer_price_low", "offer_price_high", "funds_raised_hkd"),
           _offer_range_ordered),
)


def _subscription_stated_or_flagged(path: Path, frame: pd.DataFrame) -> None:
    """'Under-Sub.' is a fact (undersubscribed, multiple below 1 and not stated), not a blank:
    a row flagged so carries no multiple."""
    flagged = frame["subscription_note"] == "Under-Sub."
    fail_first(path, frame, flagged & frame["public_subscription_multiple"].notna(),
               "public_subscription_multiple",
               lambda r: f"{r['public_subscription_multiple']} given on a row flagged "
                         "Under-Sub. (undersubscribed: no multiple is stated)")


def _fraction(column: str) -> Callable[[Path, pd.DataFrame], None]:
    def rule(path: Path, frame: pd.DataFrame) -> None:
        fail_first(path, frame, frame[column].notna() & ~frame[column].between(0, 1), column,
                   lambda r: f"{r[column]} is not a fraction between 0 and 1")
    return rule


def _percent(column: str) -> Callable[[Path, pd.DataFrame], None]:
    def rule(path: Path, frame: pd.DataFrame) -> None:
        fail_first(path, frame, frame[column].notna() & ~frame[column].between(0, 100), column,
                   lambda r: f"{r[column]} is not a percentage between 0 and 100")
    return rule


IPO_DEMAND = SeedSpec(
    file="ipo_demand.csv",
    table="ipo_demand",
    columns=(
        Column("stock_code", "code5", required=True),
        Column("listing_date", "date", required=True),
        Column("public_subscription_multiple", "number", bound=bounds.QUANTITY),  # times
        Column("subscription_note", choices=("Under-Sub.",)),
        Column("applied_lots_for_one_lot", "number", bound=bounds.QUANTITY),  # lots
        Column("one_lot_success_rate", "number"),  # fraction 0-1
        Column("applicants", "number", bound=bounds.QUANTITY),  # applications
        Column("cornerstone_share_pct", "number"),  # percent 0-100
        Column("route", choices=("18A biotech", "18C specialist tech", "A+H (19A)",
                                 "Conventional")),
        Column("sector"),
        Column("basis", required=True),
        Column("source", required=True),
    ),
    key=("stock_code", "listing_date"),
    rules=(_subscription_stated_or_flagged, _positive("applied_lots_for_one_lot"),
           _fraction("one_lot_success_rate"), _percent("cornerstone_share_pct")),
)


def _coverage_ordered(path: Path, frame: pd.DataFrame) -> None:
    fail_first(path, frame, frame["covers_to"] < frame["covers_from"], "covers_to",
               lambda r: f"{r['covers_to']} is before covers_from {r['covers_from']}")


DATA_COVERAGE = SeedSpec(
    file="data_coverage.csv",
    table="data_coverage",
    columns=(
        Column("dataset", required=True, choices=("new_economy_listings",)),
        Column("covers_from", "date", required=True),
        Column("covers_to", "date", required=True),
        Column("scope", required=True),
        Column("not_covered", required=True),
        Column("source", required=True),
    ),
    key=("dataset",),
    rules=(_coverage_ordered,),
)


def _tick_bands_ordered(path: Path, frame: pd.DataFrame) -> None:
    """Each band is a price interval, and no two bands in force on the same day overlap (the
    grid macro takes the one band that covers a price and day)."""
    fail_first(path, frame, frame["price_to"] <= frame["price_above"], "price_to",
               lambda r: f"{r['price_to']} is not above price_above {r['price_above']}")
    fail_first(path, frame, frame["tick"] <= 0, "tick",
               lambda r: f"{r['tick']} is not a positive tick")
    start = pd.to_datetime(frame["effective_from"]).fillna(pd.Timestamp.min)
    end = pd.to_datetime(frame["effective_to"]).fillna(pd.Timestamp.max)
    bad = pd.Series(False, index=frame.index)
    other = {}
    for i in frame.index:
        for j in frame.index:
            if j < i and (start[i] < end[j] and start[j] < end[i]
                          and frame.at[i, "price_above"] < frame.at[j, "price_to"]
                          and frame.at[j, "price_above"] < frame.at[i, "price_to"]):
                bad[i] = True
                other.setdefault(i, j)
    fail_first(path, frame, bad, "price_above",
               lambda r: f"band {r['price_above']}..{r['price_to']} overlaps the band on line "
                         f"{frame.at[other[r.name], LINE]} on days both are in force")


HKEX_SPREAD_TABLE = SeedSpec(
    file="hkex_spread_table.csv",
    table="hkex_spread_table",
    columns=(
        Column("effective_from", "date"),
        Column("effective_to", "date"),
        Column("price_above", "number", required=True, bound=bounds.PRICE),
        Column("price_to", "number", required=True, bound=bounds.PRICE),
        Column("tick", "number", required=True, bound=bounds.PRICE),
        Column("source", required=True),
    ),
    key=("effective_from", "price_above"),
    rules=(_tick_bands_ordered,),
)

# as the source writes it: listed on HKEX's List of Securities of 2025-12-31, or not
LISTED_AT_2025_12_31 = ("Y", "N", "N (not in LoS 2025-12-31)")

LISTED_ISSUERS = SeedSpec(
    file="listed_issuers.csv",
    table="listed_issuers",
    columns=(
        Column("stock_code", "code5", required=True),
        Column("short_name", required=True),
        Column("isin"),
        Column("board"),
        Column("listing_date", "date"),
        Column("delisting_date", "date"),
        Column("listed_at_2025_12_31", required=True, choices=LISTED_AT_2025_12_31),
        Column("source", required=True),
    ),
    key=("stock_code", "listing_date"),
    rules=(_listing_before_delisting,),
)

SEEDS: tuple[SeedSpec, ...] = (INDEXES, NEW_ECONOMY_LISTINGS, MARKET_EVENTS, PUBLISHED_COUNTS,
                               INDEX_CONSTITUENTS, IPO_OFFERS, HKEX_SPREAD_TABLE, IPO_DEMAND,
                               DATA_COVERAGE, LISTED_ISSUERS)


def check_offers_listed(seeds_dir: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Every offer and demand row must be a curated listing: (stock_code, listing_date) in
    new_economy_listings (codes are reused, so the date is part of the key). An offer dated
    before its listing (or after it) names no listing and is refused; so is any listing or
    offer after the data's end that data_coverage declares, except a listing row that
    ``hkpipe listings propose`` wrote (its basis ends AWAITS_REVIEW): the claims and the
    report stop at the data's end, so they count it only once a person extends covers_to."""
    listed = frames["new_economy_listings"]
    keys = set(zip(listed["stock_code"], listed["listing_date"], strict=True))
    for spec in (IPO_OFFERS, IPO_DEMAND):
        rows = frames[spec.table]
        bad = pd.Series([(c, d) not in keys for c, d in
                         zip(rows["stock_code"], rows["listing_date"], strict=True)],
                        index=rows.index, dtype=bool)
        fail_first(Path(seeds_dir) / spec.file, rows, bad, "listing_date",
                   lambda r: f"no listing of {r['stock_code']} on {r['listing_date']} in "
                             f"{NEW_ECONOMY_LISTINGS.file}")
    coverage = frames["data_coverage"]
    ends = coverage.loc[coverage["dataset"] == "new_economy_listings", "covers_to"]
    if ends.empty:
        raise InputError(Path(seeds_dir) / DATA_COVERAGE.file,
                         "no row for dataset new_economy_listings: the data's end is declared "
                         "there", field="dataset")
    end = ends.iloc[0]
    for spec in (NEW_ECONOMY_LISTINGS, IPO_OFFERS, IPO_DEMAND):
        rows = frames[spec.table]
        late = rows["listing_date"] > end
        if spec is NEW_ECONOMY_LISTINGS:  # a proposed row waits past the end for its review
            late &= ~rows["basis"].str.contains(AWAITS_REVIEW, regex=False)
        fail_first(Path(seeds_dir) / spec.file, rows, late,
                   "listing_date",
                   lambda r: f"{r['listing_date']} is after the data's end {end} "
                             f"({DATA_COVERAGE.file}); extend covers_to there first")


def read_all(seeds_dir: Path, *, today=None) -> dict[str, pd.DataFrame]:
    """Validate every seed file (no date after ``today``) and the rules across them; table
    name -> frame ready to load."""
    frames = {spec.table: read_seed(seeds_dir, spec, today=today) for spec in SEEDS}
    check_offers_listed(seeds_dir, frames)
    return frames
