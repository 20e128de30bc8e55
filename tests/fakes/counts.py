"""Counts of the bundled new-economy seed known independently of the SQL counting rule."""

# scripts/curate_new_economy.py counts the rows listed at 2025-12-31 in pandas from the source
# tables when it writes the seed ("listed at 2025-12-31: 774; by tier: none 337, core 224,
# broad 141, new_consumer 72"), and seeds/NEW_ECONOMY.md records them. The definitions nest:
# broad = core + broad rows, new_consumer = all three.
CURATED_AT_2025_12_31 = {"core": 224, "broad": 224 + 141, "new_consumer": 224 + 141 + 72,
                         "any": 774}
