"""Extend the curated seeds through 2026-09-30 from the sourced IPO folder.

Run by a maintainer when the sources change; the pipeline itself only reads the seeds it writes.
The tier rule is seeds/NEW_ECONOMY.md's (the same code as scripts/curate_new_economy.py), and
the section "2026: how the compilation maps onto the rule" there says how the compilation's
route, sector and markers are read. Keep both in step.

    python scripts/curate_2026.py --data PATH/TO/data

``--data`` holds ``ipo/`` with ``ipo_offers_2018_2022.csv``, ``ipo_offers_2026.csv`` (HKEX's New
Listing Report 2026, to 2026-04-29), ``hkipo_mainboard_2025.csv`` and ``hkipo_mainboard_2026.csv``
(a research compilation of Main Board IPOs to 2026-09-30) and their PROVENANCE.md.

It rewrites, re-runnably (rows it wrote before are replaced, nothing else changes):
- the rows listed after 2025-12-31 in seeds/new_economy_listings.csv and seeds/ipo_offers.csv;
- seeds/ipo_demand.csv, whole: the demand facts and the compilation's route per offer;
- the listings' end in seeds/data_coverage.csv.
"""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from curate_new_economy import OUT_COLUMNS  # noqa: E402  (one column list for both scripts)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PREVIOUS_END = "2025-12-31"  # the end of the rows curate_new_economy.py writes
END = "2026-09-30"           # the end of hkipo_mainboard_2026.csv, the newest source
NLR_END = "2026-04-29"       # HKEX's New Listing Report 2026 as stored

OFFER_COLUMNS = ["stock_code", "listing_date", "name_en", "board", "offer_price",
                 "offer_price_low", "offer_price_high", "funds_raised_hkd", "funds_raised_basis",
                 "sponsors", "notes", "source"]
DEMAND_COLUMNS = ["stock_code", "listing_date", "public_subscription_multiple",
                  "subscription_note", "applied_lots_for_one_lot", "one_lot_success_rate",
                  "applicants", "cornerstone_share_pct", "route", "sector", "basis", "source"]

# The compilation's coarse sectors are groups of 3-digit HSICS prefixes (the team's map in
# analysis/offer_facts_2026.py). HSICS industry 28 is Healthcare and 70 Information Technology:
# the counterparts of the Yahoo sectors Healthcare and Technology the broad rule names. Each
# group below lies inside one of them, and every HSICS industry of these prefixes in the curated
# 2018-2025 rows is core or broad; every other group mixes tiers (GROUPS_MIXED), so it cannot
# decide one. 282 is Healthcare too, but holds 膳食补充品 and 护肤与化妆品 (new_consumer).
BROAD_GROUPS = {
    "Biotech and pharma": "281",
    "Hardware and robotics": "701",
    "Software and AI": "702",
    "Semiconductors": "703",
}
GROUPS_MIXED = {
    "Medical devices and services": ("282", "医疗设备及用品 and 医疗及医学美容服务 (broad) beside "
                                     "膳食补充品 and 护肤与化妆品 (new_consumer), as in H1 2025"),
    "Industrials and equipment": ("101, 103", "e.g. 航空航天与国防 and 能源储存装置 (broad) "
                                  "beside machinery and construction (none)"),
    "Materials and mining": ("051-053", "e.g. 新能源物料 (broad) beside metals and chemicals "
                             "(none)"),
    "Consumer discretionary": ("231, 232, 235, 237", "e.g. 汽车 and 教育 (broad), 餐饮 and "
                               "玩具及消闲用品 (new_consumer) beside others (none)"),
    "Consumer staples": ("251, 252", "e.g. 非酒精饮料 and 包装食品 (new_consumer) beside "
                         "agriculture and food processing (none)"),
    "Other": ("502, 601", "financials (支付服务 is broad) and properties (none)"),
}
LLM_CAVEAT = ("route, sector and demand fields are LLM-assisted extraction by the compilation's "
              "team, not independently audited (PROVENANCE_ipo.md)")
MARKER_NAMES = {"B": "Chapter 18A biotech (B)", "P": "Chapter 18C pre-commercial (P)",
                "W": "weighted voting rights (W)"}


def markers_of(name: str) -> str:
    """HKEX markers written as '- X' suffixes in the name at listing ('... - W - P - H Shares')."""
    found = re.findall(r"-\s*([A-Z]{1,2})\b(?=\s*(?:-|$))", name)
    return "".join(sorted(set("".join(found)) & set("BPSW")))


def tier_2026(markers: str, route: str, sector: str) -> tuple[str, str]:
    """(tier, basis) of a compilation row by seeds/NEW_ECONOMY.md."""
    routes = [MARKER_NAMES[m] for m in markers if m in MARKER_NAMES]
    if route.startswith("18C") and "P" not in markers:
        routes.append(f"Chapter 18C specialist technology (compilation route '{route}')")
    if "S" in markers:
        raise SystemExit("an S marker in 2026: decide the Greater China test by hand")
    if routes:
        return "core", "listing-route marker: " + ", ".join(routes)
    if sector in BROAD_GROUPS:
        industry = "Healthcare (28)" if BROAD_GROUPS[sector].startswith("28") else \
            "Information Technology (70)"
        return "broad", (f"broad rule: HSICS industry {industry}, compilation sector "
                         f"'{sector}' (HSICS {BROAD_GROUPS[sector]}x); the group cannot tell a "
                         "concept-paper industry (core) from the rest, so not core")
    if sector in GROUPS_MIXED:
        prefixes, why = GROUPS_MIXED[sector]
        return "none", (f"tier undecidable: compilation sector '{sector}' (HSICS {prefixes}x) "
                        f"mixes industries inside and outside the rule ({why}) and no source "
                        "gives this issuer's industry; not counted as new economy")
    raise SystemExit(f"compilation sector {sector!r} is not mapped: add it to the script and "
                     "seeds/NEW_ECONOMY.md")


def billions_to_hkd(value: str) -> str:
    """HK$ bn at the source's float precision -> HK$ at 15 significant digits (the folder's
    rule for binary-float noise), as a plain integer string where it is whole."""
    if not value:
        return ""
    exact = Decimal(value) * Decimal(10) ** 9
    rounded = Decimal(f"{exact:.15g}")
    return f"{rounded:f}".rstrip("0").rstrip(".") if "." in f"{rounded:f}" else f"{rounded:f}"


def at15(value: str) -> str:
    """A source number read at 15 significant digits (PROVENANCE_ipo.md: read the
    compilation's float artefacts such as 64.27000000000001 that way)."""
    if not value:
        return ""
    text = f"{Decimal(f'{Decimal(value):.15g}'):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def listings_2026(comp: pd.DataFrame, nlr: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in comp.itertuples(index=False):
        markers = markers_of(r.name_en)
        tier, basis = tier_2026(markers, r.route, r.sector)
        if r.route == "A+H (19A)":
            basis += "; A+H issuer (compilation route)"
        rows.append({
            "stock_code": r.stock_code, "name_en": r.name_en, "name_zh": "",
            "board": "Main Board", "listing_date": r.listing_date, "listing_type": "IPO",
            "delisting_date": "", "industry": r.sector, "industry_scheme": "hsics group",
            "markers": markers, "tier": tier,
            "basis": basis + f"; {LLM_CAVEAT}; delisting not checked (no 2026 List of "
                             "Securities in the sources)",
            "source": r.source + (" ; dl512/ipo-update@2bb5159:NLR2026_Eng.xlsx (listing date "
                                  "and price agree)" if r.listing_date <= NLR_END else ""),
        })
    known = set(zip(comp.stock_code, comp.listing_date, strict=True))
    for r in nlr.itertuples(index=False):
        if (r.stock_code, r.listing_date) in known or (r.stock_code in set(comp.stock_code)):
            continue  # the compilation's row; 06656 no. 43 (Youzan) is the duplicated code
        if "Introduction" not in r.flags:
            raise SystemExit(f"NLR row {r.stock_code} {r.listing_date} is not handled")
        rows.append({
            "stock_code": r.stock_code, "name_en": r.name_en, "name_zh": "",
            "board": "Main Board", "listing_date": r.listing_date,
            "listing_type": "introduction", "delisting_date": "", "industry": "",
            "industry_scheme": "unknown", "markers": markers_of(r.name_en), "tier": "none",
            "basis": ("industry unknown in every source (the NLR gives the name only); not "
                      "counted as new economy; listed by introduction, no offer"),
            "source": r.source,
        })
    return pd.DataFrame(rows, columns=OUT_COLUMNS)


def offers_2026(comp: pd.DataFrame, nlr: pd.DataFrame) -> pd.DataFrame:
    rows = []
    by_key = {(r.stock_code, r.listing_date): r for r in nlr.itertuples(index=False)}
    for r in comp.itertuples(index=False):
        n = by_key.get((r.stock_code, r.listing_date))
        if n is not None:
            rows.append({
                "stock_code": r.stock_code, "listing_date": r.listing_date,
                "name_en": n.name_en, "board": "Main Board", "offer_price": n.offer_price,
                "offer_price_low": "", "offer_price_high": "",
                "funds_raised_hkd": n.funds_raised_hkd,
                "funds_raised_basis": "NLR 2026 (a) Hong Kong + (b) International offers, HK$",
                "sponsors": n.sponsors.replace("; ", " / "),
                "notes": "; ".join(x for x in (n.notes, n.flags) if x), "source": n.source})
        else:
            funds = billions_to_hkd(r.funds_raised_reported_hkd_bn)
            rows.append({
                "stock_code": r.stock_code, "listing_date": r.listing_date,
                "name_en": r.name_en, "board": "Main Board",
                "offer_price": at15(r.offer_price_hkd), "offer_price_low": "",
                "offer_price_high": "", "funds_raised_hkd": funds,
                "funds_raised_basis": ("compilation funds_raised_reported_hkd_bn x 10^9: the NLR "
                                       "(a) + (b) lines as the team copied them, HK$ (may include "
                                       "over-allotment)") if funds else "",
                "sponsors": "",
                "notes": ("after NLR 2026 as stored (to 2026-04-29): price and funds from the "
                          "compilation" + ("" if funds else "; funds raised missing in the "
                                           "source")),
                "source": r.source})
    voyah = nlr[nlr["flags"].str.contains("Introduction")]
    for n in voyah.itertuples(index=False):
        rows.append({"stock_code": n.stock_code, "listing_date": n.listing_date,
                     "name_en": n.name_en, "board": "Main Board", "offer_price": "",
                     "offer_price_low": "", "offer_price_high": "", "funds_raised_hkd": "",
                     "funds_raised_basis": "", "sponsors": n.sponsors.replace("; ", " / "),
                     "notes": n.flags + "; not usable as an IPO offer", "source": n.source})
    return pd.DataFrame(rows, columns=OFFER_COLUMNS)


def demand(data: Path, keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Demand facts per offer: 2018-2022 from RawData (AAStocks), 2025 H1 and 2026 from the
    compilation. Only curated listings are kept (the key must be a listing)."""
    a = read(data / "ipo" / "ipo_offers_2018_2022.csv")
    has = (a.oversubscription_public != "") | (a.oversubscription_note != "") | \
        (a.applied_lots_for_one_lot != "") | (a.one_lot_success_rate != "")
    a = a[has]
    rows = [{
        "stock_code": r.stock_code, "listing_date": r.listing_date,
        "public_subscription_multiple": r.oversubscription_public,
        "subscription_note": "Under-Sub." if r.oversubscription_note.startswith("Under-Sub.")
        else r.oversubscription_note,
        "applied_lots_for_one_lot": r.applied_lots_for_one_lot,
        "one_lot_success_rate": r.one_lot_success_rate, "applicants": "",
        "cornerstone_share_pct": "", "route": "", "sector": "",
        "basis": ("AAStocks allotment figures via RawData.xlsx, copied as written"
                  + ("; undersubscribed: the source writes 'Under-Sub.' (the scraper stored "
                     "-1000), so the multiple is below 1 and not stated"
                     if r.oversubscription_note.startswith("Under-Sub.") else "")),
        "source": r.source} for r in a.itertuples(index=False)]
    for name in ("hkipo_mainboard_2025.csv", "hkipo_mainboard_2026.csv"):
        for r in read(data / "ipo" / name).itertuples(index=False):
            rows.append({
                "stock_code": r.stock_code, "listing_date": r.listing_date,
                "public_subscription_multiple": at15(r.public_subscription_multiple),
                "subscription_note": "", "applied_lots_for_one_lot": "",
                "one_lot_success_rate": "", "applicants": r.applicants,
                "cornerstone_share_pct": at15(r.cornerstone_share_pct), "route": r.route,
                "sector": r.sector,
                "basis": f"{LLM_CAVEAT}; values read at 15 significant digits",
                "source": r.source})
    out = pd.DataFrame(rows, columns=DEMAND_COLUMNS)
    kept = out[[k in keys for k in zip(out.stock_code, out.listing_date, strict=True)]]
    print(f"demand: {len(out)} rows read, {len(out) - len(kept)} of listings not curated "
          "left out", file=sys.stderr)
    return kept.sort_values(["listing_date", "stock_code"]).reset_index(drop=True)


def check_groups_against_2025(data: Path, listings: pd.DataFrame) -> None:
    """The group reading, tried on H1 2025 (whose HSICS codes the compilation gives): every
    row of a BROAD_GROUPS prefix must be core or broad in the curated seed."""
    h1 = read(data / "ipo" / "hkipo_mainboard_2025.csv")
    tiers = dict(zip(zip(listings.stock_code, listings.listing_date, strict=True),
                     listings.tier, strict=True))
    prefixes = set(BROAD_GROUPS.values())
    inside = h1[h1.hsics_code_source.str[:3].isin(prefixes)]
    got = [tiers.get((r.stock_code, r.listing_date)) for r in inside.itertuples(index=False)]
    agree = sum(t in ("core", "broad") for t in got)
    print(f"H1 2025 check: {agree} of {len(got)} rows in the broad HSICS groups are core or "
          "broad in the curated seed", file=sys.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="the sourced data folder holding ipo/")
    args = parser.parse_args(argv)
    comp = read(args.data / "ipo" / "hkipo_mainboard_2026.csv")
    nlr = read(args.data / "ipo" / "ipo_offers_2026.csv")
    assert comp.listing_date.max() <= END and nlr.listing_date.max() <= NLR_END

    listings = read(SEEDS / "new_economy_listings.csv")
    listings = listings[listings.listing_date <= PREVIOUS_END]
    listings = pd.concat([listings, listings_2026(comp, nlr)], ignore_index=True)
    listings.to_csv(SEEDS / "new_economy_listings.csv", index=False, lineterminator="\n")

    offers = read(SEEDS / "ipo_offers.csv")
    offers = offers[offers.listing_date <= PREVIOUS_END]
    offers = pd.concat([offers, offers_2026(comp, nlr).sort_values(
        ["listing_date", "stock_code"])], ignore_index=True)
    offers.to_csv(SEEDS / "ipo_offers.csv", index=False, lineterminator="\n")

    keys = set(zip(listings.stock_code, listings.listing_date, strict=True))
    demand(args.data, keys).to_csv(SEEDS / "ipo_demand.csv", index=False, lineterminator="\n")

    coverage = read(SEEDS / "data_coverage.csv")
    coverage.loc[coverage.dataset == "new_economy_listings", "covers_to"] = END
    coverage.to_csv(SEEDS / "data_coverage.csv", index=False, lineterminator="\n")

    check_groups_against_2025(args.data, listings)
    new = listings[listings.listing_date > PREVIOUS_END]
    print(f"2026 listings: {len(new)}; by tier: {new.tier.value_counts().to_dict()}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
