"""The curated new-economy listings: loader rules, the count macro, calibration view."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from hkpipe import jobs
from hkpipe.errors import InputError
from tests.fakes.common import SEEDS, checksums, query
from tests.fakes.counts import CURATED_AT_2025_12_31  # known without the SQL rule

HEADER = ("stock_code,name_en,name_zh,board,listing_date,listing_type,delisting_date,industry,"
          "industry_scheme,markers,tier,basis,source")
GOOD_ROWS = [
    "09999,NetEase,,Main Board,2020-06-11,secondary listing,,Internet Content & Information,"
    "yahoo,S,core,marker,src",
    "02269,WuXi Bio,,Main Board,2019-06-13,IPO,,Biotechnology,yahoo,,core,industry,src",
    "01211,EV maker,,Main Board,2019-01-10,IPO,,Auto Manufacturers,yahoo,,broad,rule,src",
    "06600,Old issuer,,,2021-03-03,IPO,2023-01-15,Biotechnology,yahoo,,core,gone,src",
    "06600,New issuer,,Main Board,2025-12-30,IPO,,Software—Application,yahoo,,core,code reused,"
    "src",
    "09992,Toy brand,,Main Board,2020-12-11,IPO,,Leisure,yahoo,,new_consumer,consumer,src",
    "01234,Builder,,GEM,2019-05-05,IPO,,Engineering & Construction,yahoo,,none,outside,src",
]


def seeds_with(tmp_path, rows: list[str]):
    """The project's seeds with hand-made listings: the stock prices, which belong to the real
    listings, are left with their header lines only, and the offers hold one row without a
    price for the first hand-made listing (a seed file needs a row)."""
    import gzip

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "new_economy_listings.csv").write_text("\n".join([HEADER, *rows]) + "\n",
                                                    encoding="utf-8")
    offers = seeds / "ipo_offers.csv"
    code, _, _, _, listed = rows[0].split(",")[:5]
    offers.write_text(offers.read_text(encoding="utf-8").splitlines()[0] + "\n"
                      + f"{code},{listed},,,,,,,,,,hand-made test listing\n", encoding="utf-8")
    demand = seeds / "ipo_demand.csv"  # the demand facts belong to the real listings
    demand.write_text(demand.read_text(encoding="utf-8").splitlines()[0] + "\n"
                      + f"{code},{listed},,,,,,,,,hand-made test row,src\n", encoding="utf-8")
    for path in (seeds / "stocks").glob("*.csv.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            header = f.readline()
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(header)
    return seeds


def count(path, as_of, definition) -> int:
    return query(path, "SELECT listings FROM new_economy_count(?, ?)", [as_of, definition])[0][0]


def test_macro_on_a_small_hand_made_seed(settings, tmp_path):
    s = replace(settings, seeds_dir=seeds_with(tmp_path, GOOD_ROWS))
    jobs.load_seeds(s)
    w = s.warehouse
    # 2025-12-31: NetEase, WuXi, new 06600 are core; EV maker broad; toy brand new_consumer.
    assert count(w, "2025-12-31", "core") == 3
    assert count(w, "2025-12-31", "broad") == 4
    assert count(w, "2025-12-31", "new_consumer") == 5
    # 2022-06-30: old 06600 still listed, new one not yet; NetEase, WuXi, old 06600 core.
    assert count(w, "2022-06-30", "core") == 3
    # the day it delisted it no longer counts; the day before it does
    assert count(w, "2023-01-15", "core") == 2
    assert count(w, "2023-01-14", "core") == 3
    # listed on the as_of day counts
    assert count(w, "2019-06-13", "core") == 1
    assert count(w, "2019-06-12", "core") == 0


def test_macro_rejects_an_unknown_definition(built):
    import duckdb
    with pytest.raises(duckdb.Error, match="definition must be core, broad, new_consumer or any"):
        count(built, "2025-12-31", "everything")


# The calibration table of seeds/NEW_ECONOMY.md, as published with the seed before the counting
# rule became one macro (the earlier SQL computed it on its own).
DOCUMENTED = {"2019-04-30": (21, 36, 43), "2020-04-29": (49, 97, 118),
              "2021-03-31": (93, 159, 188), "2023-03-31": (158, 253, 298),
              "2024-10-06": (189, 303, 355), "2025-06-30": (205, 332, 399)}


@pytest.mark.parametrize("definition", ["core", "broad", "new_consumer", "any"])
def test_bundled_year_end_count_equals_the_curation_scripts_count(built, definition):
    assert count(built, "2025-12-31", definition) == CURATED_AT_2025_12_31[definition]


def test_bundled_counts_equal_the_documented_calibration_table(built):
    for as_of, expected in DOCUMENTED.items():
        got = tuple(count(built, as_of, d) for d in ("core", "broad", "new_consumer"))
        assert got == expected, as_of


def test_a_stock_code_is_counted_at_most_once_on_any_day(built):
    # 02718 was relisted by Mininglamp on 2025-11-03 and 06600 by OneRobotics on 2025-12-30;
    # the earlier holders had left by then, so no day counts two issuers under one code.
    doubled = query(built, """
        SELECT d::DATE, stock_code, count(*)
        FROM range(DATE '2018-04-30', DATE '2026-01-01', INTERVAL 1 DAY) AS t(d),
             new_economy_listings
        WHERE new_economy_counted(listing_date, delisting_date, tier, d, 'any')
        GROUP BY ALL HAVING count(*) > 1""")
    assert doubled == []
    holders = query(built, "SELECT stock_code, name_en FROM new_economy_listings WHERE "
                           "new_economy_counted(listing_date, delisting_date, tier, "
                           "DATE '2025-12-30', 'any') AND stock_code IN ('02718', '06600') "
                           "ORDER BY 1")
    assert [(c, n.split()[0]) for c, n in holders] == [("02718", "Mininglamp"),
                                                     ("06600", "OneRobotics")]


def test_tiers_nest_on_every_calibration_date(built):
    rows = query(built, "SELECT as_of, core, broad, new_consumer FROM new_economy_vs_published")
    assert rows
    for as_of, core, broad, new_consumer in rows:
        assert core <= broad <= new_consumer, as_of


def test_bundled_seed_has_a_source_and_basis_on_every_row(built):
    assert query(built, "SELECT count(*) FROM new_economy_listings WHERE coalesce(trim(source),"
                        " '') = '' OR coalesce(trim(basis), '') = ''")[0][0] == 0
    assert query(built, "SELECT count(*) FROM new_economy_listings")[0][0] > 800


def test_rows_absent_from_the_year_end_list_do_not_count_at_year_end(built):
    rows = query(built, "SELECT count(*) FROM new_economy_listings WHERE basis LIKE "
                        "'%upper bound%' AND (delisting_date IS NULL OR delisting_date > "
                        "DATE '2025-12-31')")
    assert rows[0][0] == 0


def test_calibration_view_sets_official_counts_beside_the_table(built):
    rows = {(str(d), p): (c, b, n) for d, p, c, b, n, m in query(
        built, "SELECT as_of, published, core, broad, new_consumer, measure "
               "FROM new_economy_vs_published")}
    assert ("2025-12-31", ">400") in rows
    assert ("2023-03-31", "260") in rows
    assert ("2025-11-30", "80") in rows  # Chapter 18A, month read as its end
    assert rows[("2025-12-31", ">400")] == tuple(
        CURATED_AT_2025_12_31[d] for d in ("core", "broad", "new_consumer"))
    assert rows[("2023-03-31", "260")] == DOCUMENTED["2023-03-31"]
    assert rows[("2025-11-30", "80")] == (79, 79, 79)  # B-marker listings, cumulative


def bad(row: str) -> list[str]:
    """A valid first row, then the bad row on line 3."""
    return [GOOD_ROWS[2], row]


BAD_CASES = [
    ("duplicate key", [GOOD_ROWS[1], GOOD_ROWS[1].replace("WuXi Bio", "WuXi again")], 2,
     "stock_code", "duplicate key (stock_code=02269, listing_date=2019-06-13) also on line(s) 3"),
    ("4-digit code", bad("2269" + GOOD_ROWS[1][5:]), 3, "stock_code", "5-digit"),
    ("bad date", bad(GOOD_ROWS[1].replace("2019-06-13", "2019-06-31")), 3, "listing_date",
     "not a date"),
    ("future date", bad(GOOD_ROWS[1].replace("2019-06-13", "2099-06-13")), 3, "listing_date",
     "future"),
    ("listing after delisting", bad(GOOD_ROWS[3].replace("2023-01-15", "2020-01-15")), 3,
     "delisting_date", "not after listing_date"),
    ("tier not allowed", bad(GOOD_ROWS[1].replace(",core,", ",tech,")), 3, "tier",
     "not one of core, broad, new_consumer, none"),
    ("empty source", bad(GOOD_ROWS[1].removesuffix("src")), 3, "source", "empty"),
    ("before the reform", bad(GOOD_ROWS[1].replace("2019-06-13", "2018-01-15")), 3,
     "listing_date", "before the 2018-04-30"),
    ("unknown marker", bad(GOOD_ROWS[0].replace(",S,", ",X,")), 3, "markers", "B, P, S, W"),
    ("one code listed twice at once", [GOOD_ROWS[3].replace("2023-01-15", "2025-12-31"),
                                       GOOD_ROWS[4]], 2, "delisting_date",
     "stock code 06600 listed 2021-03-03 is still listed (2025-12-31) when the same code lists "
     "again on 2025-12-30 (line 3)"),
    ("reused code never delisted", [GOOD_ROWS[3].replace("2023-01-15", ""), GOOD_ROWS[4]], 2,
     "delisting_date", "still listed (no delisting date)"),
]


@pytest.mark.parametrize("label,rows,line,field,match", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_loader_rejects_whole_file_naming_line_and_column(built_settings, tmp_path, label,
                                                          rows, line, field, match):
    before = checksums(built_settings.warehouse)
    with pytest.raises(InputError) as err:
        jobs.load_seeds(replace(built_settings, seeds_dir=seeds_with(tmp_path, rows)))
    assert err.value.path.endswith("new_economy_listings.csv")
    assert (err.value.line, err.value.field) == (line, field), str(err.value)
    assert match in str(err.value)
    assert checksums(built_settings.warehouse) == before
