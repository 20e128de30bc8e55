"""Perturbations without a warehouse: the vary grammar and its caps, the margin, the boundary."""

from __future__ import annotations

from datetime import date

import pytest

from hkpipe.checks import claims, sweeps
from hkpipe.checks.sweeps import Axis, Variant
from hkpipe.errors import InputError
from tests.fakes.articles import write_ledger

GT = "globaltimes-2026-01-04"


def axes(text: str, query: str = "best_start_since", comparison: str = "target > 1"):
    return sweeps.parse_vary(text, query=query, comparison=comparison)


def test_ranges_lists_and_dates_expand_in_order():
    since, symbol = axes("since=2010..2013; symbol=^HSI|HSTECH.HK")
    assert since == Axis("since", (2010, 2011, 2012, 2013))
    assert symbol.values == ("^HSI", "HSTECH.HK")
    (as_of,) = axes("as_of=2024-11-30..2025-02-28/month", query="new_economy_count")
    assert as_of.values == (date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31),
                            date(2025, 2, 28))  # a month end steps to month ends
    (quarters,) = axes("as_of=2025-01-15..2025-12-31/quarter", query="new_economy_count")
    assert quarters.values == (date(2025, 1, 15), date(2025, 4, 15), date(2025, 7, 15),
                               date(2025, 10, 15))
    (threshold,) = axes("threshold=2.5..2.8/0.1")
    assert threshold.values == (2.5, 2.6, 2.7, 2.8)


@pytest.mark.parametrize(("text", "says"), [
    ("since=1000..2025", "gives 1,026 values"),
    ("since=1990..2025; symbol=a|b|c|d|e|f|g|h|i|j|k|l|m|n", "504 variants"),
    ("year=2020..2021; route=a", "does not let route vary"),
    ("benchmark=^HSI", "does not let benchmark vary"),
    ("since=2020..2010", "ends before it starts"),
    ("symbol=^HSI..HSTECH.HK", "list its values"),
    ("since=2020|2020", "lists a value twice"),
    ("since", "cannot read"),
])
def test_a_range_too_large_or_a_parameter_not_declared_is_refused(text, says):
    with pytest.raises(ValueError, match=says):
        axes(text)


def test_the_cap_is_stated_in_the_refusal():
    with pytest.raises(ValueError, match=f"at most {sweeps.MAX_VARIANTS}"):
        axes("since=1000..2025")


def test_threshold_needs_a_comparison_with_one_number():
    with pytest.raises(ValueError, match="exactly one number"):
        axes("threshold=1|2", comparison="a > 1 and a < 2")
    assert axes("threshold=1|2", comparison="a > 1")[0].values == (1.0, 2.0)


def test_a_bad_vary_in_a_ledger_exits_2_naming_file_line_and_field(tmp_path):
    def edit(rows):
        rows[1]["vary"] = "since=1..2025"
    seeds = write_ledger(tmp_path, edit)
    with pytest.raises(InputError) as err:
        claims.read_ledger(seeds / "articles" / GT / "claims.csv")
    assert (err.value.line, err.value.field) == (3, "vary")
    assert f"at most {sweeps.MAX_VARIANTS}" in err.value.reason


def test_every_kind_declares_only_parameters_it_has():
    for path in claims.CLAIMS_DIR.glob("*.sql"):
        assert set(sweeps.declared_vary(path.stem)) <= set(claims.declared_params(path.stem))


@pytest.mark.parametrize(("comparison", "items", "expected"), [
    ("change > 2.8", {"change": 2.76}, (-0.04, "change")),
    ("2.8 < change", {"change": 2.9}, (0.1, "change")),
    ("change <= 3", {"change": 2.5}, (0.5, "change")),
    ("target > best_between and since >= target",
     {"target": 3.0, "best_between": 2.0, "since": 3.5}, (0.5, "target")),
    ("share_pct >= 42.75 and share_pct <= 47.25", {"share_pct": 47.0}, (0.25, "share_pct")),
    ("abs_gap_pct <= 5", {"abs_gap_pct": 7.5, "count": 400}, (-2.5, "abs_gap_pct")),
    ("change > 2.8", {"change": None}, (None, "change")),
])
def test_the_margin_is_the_binding_oriented_distance(comparison, items, expected):
    measured = "count" if "count" in items else next(iter(items))
    value, item = sweeps.margin(comparison, measured, items)
    assert item == expected[1]
    assert value == (None if expected[0] is None else pytest.approx(expected[0]))


def test_the_boundary_names_where_the_verdict_changes_per_group():
    years = Axis("since", (2010, 2011, 2012, 2013))
    symbols = Axis("symbol", ("A", "B"))
    grid = [Variant({"symbol": s, "since": y}, 1.0,
                    "holds" if s == "A" and y >= 2012 else "fails")
            for s in symbols.values for y in years.values]
    assert sweeps.boundary((symbols, years), grid, "holds") == (
        "symbol=A: holds for since 2012 to 2013; fails for since 2010 to 2011 | "
        "symbol=B: fails for since 2010 to 2013")


def test_a_threshold_or_measured_variant_judges_the_swapped_comparison():
    assert sweeps._substituted("broad > 400", {"measured": "core", "threshold": 380.0},
                               "broad") == ("core > 380", "core")
    assert sweeps._substituted("gap_pct > -5", {"threshold": -10.0}, "count") == (
        "gap_pct > -10", "count")
