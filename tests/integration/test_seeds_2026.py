"""The curated data through 2026-09-30: bundled counts, the data's end declared once, demand
facts, the listing-route rule, and the seed rules on 2026 rows."""

from __future__ import annotations

import shutil

import pytest

from tests.fakes.cli import hkpipe_in_process as hkpipe  # the command, in this process
from tests.fakes.common import SEEDS, checksums, query
from tests.fakes.counts import CURATED_2026


@pytest.mark.parametrize("as_of", sorted(CURATED_2026))
def test_bundled_2026_counts_equal_the_independent_recount(built, as_of):
    got = query(built, "SELECT core, broad, new_consumer, any_tier "
                       "FROM new_economy_tiers_at(?::DATE)", [as_of])[0]
    want = CURATED_2026[as_of]
    assert got == (want["core"], want["broad"], want["new_consumer"], want["any"])


def test_the_data_end_is_the_seeded_coverage_row(built):
    assert query(built, "SELECT listings_data_end()::VARCHAR") == [("2026-09-30",)]
    # nothing in the listings, offers or demand facts lies after it
    assert query(built, """SELECT max(d) <= listings_data_end() FROM (
        SELECT max(listing_date) AS d FROM new_economy_listings UNION ALL
        SELECT max(listing_date) FROM ipo_offers UNION ALL
        SELECT max(listing_date) FROM ipo_demand)""") == [(True,)]


def test_under_subscribed_offers_keep_their_flag(built):
    rows = query(built, """SELECT count(*), count(public_subscription_multiple)
                           FROM ipo_demand WHERE subscription_note = 'Under-Sub.'""")
    assert rows == [(33, 0)]  # PROVENANCE_ipo.md: 33 "Under-Sub." cells in RawData


def test_demand_rows_carry_units_route_and_the_caveat(built):
    # 06082 Biren (2026-01-02): the compilation's row 1
    row = query(built, """SELECT public_subscription_multiple, applicants, cornerstone_share_pct,
                                 route, basis FROM ipo_demand
                          WHERE stock_code = '06082' AND listing_date = DATE '2026-01-02'""")[0]
    assert row[:4] == (2347.53, 471116, 51.93, "18C specialist tech")
    assert "LLM-assisted extraction" in row[4] and "not independently audited" in row[4]


@pytest.mark.parametrize("markers,route,want", [
    ("B", "18C specialist tech", "18A"),
    ("WP", None, "18C"),
    (None, "18C specialist tech", "18C"),
    ("W", "A+H (19A)", "WVR"),
    ("SW", None, "WVR"),
    ("S", "A+H (19A)", "secondary"),
    (None, "A+H (19A)", "A+H"),
    (None, "Conventional", "conventional"),
    (None, None, "conventional"),
])
def test_listing_route_takes_the_first_route_that_applies(built, markers, route, want):
    assert query(built, "SELECT listing_route(?, ?)", [markers, route]) == [(want,)]


def test_listing_routes_of_2026(built):
    rows = dict(query(built, """
        SELECT listing_route(l.markers, d.route) AS r, count(*) FROM new_economy_listings AS l
        LEFT JOIN ipo_demand AS d USING (stock_code, listing_date)
        WHERE l.listing_date > DATE '2025-12-31' GROUP BY r"""))
    # the compilation: 11 18A, 19 18C, 36 A+H; 3 W-only names; VOYAH conventional
    assert rows == {"18A": 11, "18C": 19, "WVR": 3, "A+H": 36, "conventional": 45}


def _edited(tmp_path, name: str, edit) -> object:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / name
    lines = path.read_text(encoding="utf-8").splitlines()
    line = edit(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return seeds, line


def _line_of(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))


BIREN = "06082,"


def _dup(lines):  # the Biren row again, at the end
    lines.append(lines[_line_of(lines, BIREN) - 1])
    return _line_of(lines, BIREN)  # the first of the two


def _reuse(lines):  # a new listing under Biren's code while Biren is still listed
    row = lines[_line_of(lines, BIREN) - 1].replace("2026-01-02", "2026-05-04", 1)
    lines.append(row)
    return _line_of(lines, BIREN)  # the earlier listing, not delisted by the later one


def _offer_early(lines):  # Biren's offer dated before its listing
    i = _line_of(lines, "06082,2026-01-02")
    lines[i - 1] = lines[i - 1].replace("2026-01-02", "2025-12-22", 1)
    return i


def _after_end(lines):  # a listing after the declared end (but not in the future)
    lines.append(lines[_line_of(lines, BIREN) - 1].replace("06082,", "06083,", 1)
                 .replace("2026-01-02", "2026-10-05", 1))
    return len(lines)


def _under_sub_with_multiple(lines):
    i = next(i for i, line in enumerate(lines) if ",Under-Sub.," in line)
    parts = lines[i].split(",")
    parts[2] = "0.5"
    lines[i] = ",".join(parts)
    return i + 1


RULE_CASES = [
    ("duplicate key", "new_economy_listings.csv", _dup, "field 'stock_code'",
     "duplicate key (stock_code=06082, listing_date=2026-01-02)"),
    ("code listed twice at once", "new_economy_listings.csv", _reuse, "field 'delisting_date'",
     "stock code 06082 listed 2026-01-02 is still listed"),
    ("offer before its listing", "ipo_offers.csv", _offer_early, "field 'listing_date'",
     "no listing of 06082 on 2025-12-22"),
    ("listing after the data's end", "new_economy_listings.csv", _after_end,
     "field 'listing_date'", "after the data's end 2026-09-30"),
    ("Under-Sub. with a multiple", "ipo_demand.csv", _under_sub_with_multiple,
     "field 'public_subscription_multiple'", "flagged Under-Sub."),
]


@pytest.mark.parametrize("label,name,edit,field,match", RULE_CASES,
                         ids=[c[0] for c in RULE_CASES])
def test_a_2026_row_breaking_a_seed_rule_exits_2_naming_file_line_field(
        built_settings, tmp_path, label, name, edit, field, match):
    seeds, line = _edited(tmp_path, name, edit)
    before = checksums(built_settings.warehouse)
    out = hkpipe("load-seeds", "--warehouse", built_settings.warehouse, "--seeds-dir", seeds)
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert f"{name}, line {line}, {field}" in out.stderr, out.stderr
    assert match in out.stderr, out.stderr
    assert checksums(built_settings.warehouse) == before
