"""Build seeds/new_economy_listings.csv from the sourced HKEX listing tables.

Run once by a maintainer when the source tables change; the pipeline itself only reads the
resulting seed. The rule applied here is written out in seeds/NEW_ECONOMY.md; keep both in step.

    python scripts/curate_new_economy.py --listings-dir PATH/TO/data/listings \
        --out seeds/new_economy_listings.csv

``--listings-dir`` holds ``hk_listed_companies.csv`` and ``additions_2018_intro.csv`` (with the
PROVENANCE.md that names their sources).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REFORM = "2018-04-30"
AS_OF = "2025-12-31"

# HKEX New Board Concept Paper (June 2017) industries, as mapped in the listings PROVENANCE.md.
CORE_YAHOO = {
    "Biotechnology", "Health Information Services", "Internet Retail",
    "Internet Content & Information", "Software—Application", "Software—Infrastructure",
    "Information Technology Services", "Computer Hardware", "Electronic Gaming & Multimedia",
}
CORE_HSICS = {"生物技术", "应用软件", "数码解决方案服务", "互联网服务及基础设施", "游戏软件",
              "线上零售商", "电子商贸及互联网服务", "互动媒体及服务", "电脑及周边器材"}
# The broad rule of the listings PROVENANCE.md (HKEX CEO 2025: healthcare, new energy, TMT; plus
# education and fintech).
BROAD_YAHOO_SECTORS = {"Healthcare", "Technology"}
BROAD_YAHOO = {"Auto Manufacturers", "Solar", "Utilities—Renewable",
               "Education & Training Services", "Entertainment", "Consumer Electronics",
               "Credit Services"}
BROAD_HSICS = {"医疗及医学美容服务", "医疗设备及用品", "药品", "中医药", "药品分销", "半导体",
               "半导体设备与材料", "电子零件", "消费电子产品", "卫星及无线通讯",
               "电讯网路基建设施", "能源储存装置", "新能源物料", "非传统/可再生能源", "汽车",
               "教育", "影视娱乐", "支付服务", "航空航天与国防"}
# "New consumption" brands: tea and coffee chains and restaurants, beauty and personal care,
# toys and leisure, snacks and drinks, jewellery, apparel and lifestyle retail.
CONSUMER_YAHOO = {"Restaurants", "Restaraunts", "Household & Personal Products", "Leisure",
                  "Beverages—Non-Alcoholic", "Confectioners", "Packaged Foods",
                  "Apparel Retail", "Footwear & Accessories", "Luxury Goods", "Specialty Retail",
                  "Personal Services"}
CONSUMER_HSICS = {"非酒精饮料", "包装食品", "护肤与化妆品", "餐饮", "玩具及消闲用品",
                  "膳食补充品", "个人护理", "珠宝钟表", "服装零售商", "乳制品", "其他零售商"}

# Post-reform "S" listings in the data, all Greater China issuers (Chapter 19C secondary
# listings of China-headquartered companies).
GREATER_CHINA_S = {"01179", "02057", "02518", "03660", "06686", "09618", "09626", "09688",
                   "09698", "09866", "09888", "09898", "09901", "09961", "09987", "09988",
                   "09991", "09999", "01698"}

# Additions whose sources describe the business only in words: tier from that wording.
WORDING_TIERS = {
    "03896": ("core", "IT services / software (concept-paper industry)"),
    "06623": ("broad", "fintech / credit services (broad rule)"),
}

OUT_COLUMNS = ["stock_code", "name_en", "name_zh", "board", "listing_date", "listing_type",
               "delisting_date", "industry", "industry_scheme", "markers", "tier", "basis",
               "source"]


def listing_type(raw: str, markers: str) -> str:
    if raw.startswith("IPO") or raw.startswith("new listing"):
        return "IPO"
    if raw.startswith("non-IPO"):
        return "secondary listing" if "S" in markers else "non-IPO (transfer or introduction)"
    return raw


def tier_of(code: str, markers: str, sector: str, yahoo: str, hsics: str, wording: str
            ) -> tuple[str, str]:
    """(tier, basis) by the rule in seeds/NEW_ECONOMY.md."""
    route = [m for m in markers if m in "BPW"]
    if "S" in markers and code in GREATER_CHINA_S:
        route.append("S")
    if route:
        names = {"B": "Chapter 18A biotech (B)", "P": "Chapter 18C pre-commercial (P)",
                 "W": "weighted voting rights (W)", "S": "Greater China secondary listing (S)"}
        return "core", "listing-route marker: " + ", ".join(names[m] for m in route)
    if yahoo in CORE_YAHOO:
        return "core", f"concept-paper industry (Yahoo: {yahoo})"
    if hsics in CORE_HSICS:
        return "core", f"concept-paper industry (HSICS: {hsics})"
    if code in WORDING_TIERS and not (yahoo or hsics):
        tier, why = WORDING_TIERS[code]
        return tier, f"source describes the business as '{wording}': {why}"
    if sector in BROAD_YAHOO_SECTORS:
        return "broad", f"broad rule: Yahoo sector {sector} ({yahoo})"
    if yahoo in BROAD_YAHOO:
        return "broad", f"broad rule: Yahoo industry {yahoo}"
    if hsics in BROAD_HSICS:
        return "broad", f"broad rule: HSICS industry {hsics}"
    if yahoo in CONSUMER_YAHOO:
        return "new_consumer", f"consumer brand industry (Yahoo: {yahoo})"
    if hsics in CONSUMER_HSICS:
        return "new_consumer", f"consumer brand industry (HSICS: {hsics})"
    if not (yahoo or hsics or wording):
        return "none", "industry unknown in every source; not counted as new economy"
    return "none", f"industry outside every rule ({yahoo or hsics or wording})"


def build(listings_dir: Path) -> pd.DataFrame:
    main = pd.read_csv(listings_dir / "hk_listed_companies.csv", dtype=str,
                       keep_default_na=False)
    adds = pd.read_csv(listings_dir / "additions_2018_intro.csv", dtype=str,
                       keep_default_na=False)
    rows = []
    # An addition names the first Hong Kong listing of an issuer still listed at 2025-12-31;
    # a later event the HKEX tables date on that issuer (BOSS Zhipin 2025-07-04) is not a
    # second listing.
    superseded = set(adds["stock_code"])
    for r in main.itertuples(index=False):
        if not (REFORM <= r.listing_date <= AS_OF):
            continue
        if r.stock_code in superseded and r.listed_at_2025_12_31 == "Y":
            continue
        rows.append(_from_main(r))
    by_code = main[main["listed_at_2025_12_31"] == "Y"].set_index("stock_code")
    for a in adds.itertuples(index=False):
        if not (REFORM <= a.listing_date <= AS_OF):
            continue  # e.g. Yixin, listed 2017-11-16: before the reform
        rows.append(_from_addition(a, by_code.loc[a.stock_code]
                                   if a.stock_code in by_code.index else None))
    out = pd.DataFrame(rows, columns=OUT_COLUMNS)
    out = end_upper_bounds_at_reuse(out)
    return out.sort_values(["listing_date", "stock_code"]).reset_index(drop=True)


def end_upper_bounds_at_reuse(frame: pd.DataFrame) -> pd.DataFrame:
    """HKEX reuses a stock code only after its holder has left, so two listings under one code
    are never listed at the same time (the seed rule in hkpipe/seeds.py). An upper-bound
    delisting date that reaches past the next listing under the same code ends at that listing's
    date: the earlier issuer had left by then. Exact delisting dates are left as the source
    gives them (a clash there is an error in the source, and the seed rule will say so)."""
    frame = frame.sort_values(["stock_code", "listing_date"]).copy()
    next_listing = frame.groupby("stock_code")["listing_date"].shift(-1)
    upper_bound = frame["basis"].str.contains("delisting_date is an upper bound", regex=False)
    clash = upper_bound & next_listing.notna() & (frame["delisting_date"] > next_listing)
    frame.loc[clash, "basis"] = frame.loc[clash].apply(
        lambda r: r["basis"] + f"; the upper bound {r['delisting_date']} is cut to "
                               f"{next_listing[r.name]}, when the code was listed again "
                               "(a code is reused only after its holder has left)", axis=1)
    frame.loc[clash, "delisting_date"] = next_listing[clash]
    return frame


def _industry(sector, yahoo, hsics, wording):
    if yahoo:
        return yahoo, "yahoo"
    if hsics:
        return hsics, "hsics"
    if wording:
        return wording, "source wording"
    return "", "unknown"


def _from_main(r) -> dict:
    markers = "".join(sorted(set(r.markers_at_listing + r.markers_20251231) & set("BPSW")))
    tier, basis = tier_of(r.stock_code, markers, r.yahoo_sector, r.yahoo_industry,
                          r.hsics_industry_zh, "")
    industry, scheme = _industry(r.yahoo_sector, r.yahoo_industry, r.hsics_industry_zh, "")
    delisting = r.delisting_date
    if r.listed_at_2025_12_31 != "Y" and not delisting:
        if r.delisting_note == "source flags delisted, date unknown":
            delisting = "2022-09-11"
            basis += ("; delisting_date is an upper bound: RawData.xlsx (commit of "
                      "2022-09-11) flags it delisted, date unknown")
        else:
            delisting = AS_OF
            basis += ("; delisting_date is an upper bound: absent from HKEX's List of "
                      "Securities of 2025-12-31, the earliest list checked that no longer "
                      "holds it; exact date unknown")
    ltype = listing_type(r.listing_type, markers)
    if ltype.startswith("non-IPO"):
        basis += "; non-IPO listing per source flag (a GEM transfer would not be a new issuer)"
    return {
        "stock_code": r.stock_code,
        "name_en": r.name_en_at_listing or r.short_name_los_20251231,
        "name_zh": r.name_zh,
        "board": r.board,
        "listing_date": r.listing_date,
        "listing_type": ltype,
        "delisting_date": delisting,
        "industry": industry,
        "industry_scheme": scheme,
        "markers": markers,
        "tier": tier,
        "basis": basis,
        "source": r.sources,
    }


def _from_addition(a, listed) -> dict:
    """An addition's date and wording, with industry and names from its 2025-12-31 row."""
    sector = listed["yahoo_sector"] if listed is not None else ""
    yahoo = listed["yahoo_industry"] if listed is not None else ""
    hsics = listed["hsics_industry_zh"] if listed is not None else ""
    markers = a.markers
    if listed is not None:
        markers = "".join(sorted(set(markers + listed["markers_at_listing"]
                                     + listed["markers_20251231"]) & set("BPSW")))
    tier, basis = tier_of(a.stock_code, markers, sector, yahoo, hsics, a.industry)
    if a.industry and (yahoo or hsics):
        basis += f"; source wording: '{a.industry}'"
    industry, scheme = _industry(sector, yahoo, hsics, a.industry)
    source = a.source
    if listed is not None:
        source += " ; " + listed["sources"]
        if listed["listing_date"] and listed["listing_date"] != a.listing_date:
            basis += (f"; the HKEX tables date a later event on this code "
                      f"({listed['listing_date']}), not its first Hong Kong listing")
    return {
        "stock_code": a.stock_code,
        "name_en": a.name_en,
        "name_zh": listed["name_zh"] if listed is not None else "",
        "board": a.board,
        "listing_date": a.listing_date,
        "listing_type": a.listing_type,
        "delisting_date": "" if listed is not None else AS_OF,
        "industry": industry,
        "industry_scheme": scheme,
        "markers": markers,
        "tier": tier,
        "basis": basis + ("" if listed is not None else
                          "; delisting_date is an upper bound: absent from HKEX's List of "
                          "Securities of 2025-12-31; exact date unknown"),
        "source": source,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("seeds/new_economy_listings.csv"))
    args = parser.parse_args(argv)
    frame = build(args.listings_dir)
    frame.to_csv(args.out, index=False)
    listed = frame[(frame["delisting_date"] == "") | (frame["delisting_date"] > AS_OF)]
    print(f"{len(frame)} rows; listed at {AS_OF}: {len(listed)}; by tier: "
          f"{listed['tier'].value_counts().to_dict()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
