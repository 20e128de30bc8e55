"""Counts of the bundled new-economy seed known independently of the SQL counting rule."""

# scripts/curate_new_economy.py counts the rows listed at 2025-12-31 in pandas from the source
# tables when it writes the seed ("listed at 2025-12-31: 774; by tier: none 337, core 224,
# broad 141, new_consumer 72"), and seeds/NEW_ECONOMY.md records them. The definitions nest:
# broad = core + broad rows, new_consumer = all three.
CURATED_AT_2025_12_31 = {"core": 224, "broad": 224 + 141, "new_consumer": 224 + 141 + 72,
                         "any": 774}

# The 2026 rows, recounted from the shared files with Python's csv module alone (not the
# curation script, not SQL), per end date:
#   rows of hkipo_mainboard_2026.csv listed by then; of them, the route rows (a " - B/P/W" name
#   marker or a route starting "18"), then the non-route rows whose sector is Biotech and pharma,
#   Hardware and robotics, Software and AI or Semiconductors; plus the introductions in
#   ipo_offers_2026.csv (VOYAH, 2026-03-19).
#   2026-06-30: 83 rows, 25 route, 25 in those sectors, 1 introduction
#   2026-09-30: 113 rows, 33 route, 33 in those sectors, 1 introduction
# No 2026 row has a delisting date and none is new_consumer, so each count is the 2025-12-31
# count plus the 2026 rows of its tiers.
_2026 = {"2026-06-30": (83, 25, 25, 1), "2026-09-30": (113, 33, 33, 1)}
CURATED_2026 = {
    end: {"core": CURATED_AT_2025_12_31["core"] + route,
          "broad": CURATED_AT_2025_12_31["broad"] + route + sector,
          "new_consumer": CURATED_AT_2025_12_31["new_consumer"] + route + sector,
          "any": CURATED_AT_2025_12_31["any"] + ipos + intro}
    for end, (ipos, route, sector, intro) in _2026.items()}
