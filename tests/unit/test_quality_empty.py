"""An empty batch needs no GX run when every expectation of its suite holds on zero rows
(row-wise rules, a count of zero); a suite with a rule zero rows could break goes to GX."""

from __future__ import annotations

import json

import pytest

from hkpipe.checks import quality


@pytest.fixture
def suite(tmp_path, monkeypatch):
    def write(*expectations):
        (tmp_path / "toy.json").write_text(json.dumps(
            {"name": "toy", "meta": {}, "expectations": list(expectations)}))
        return "toy"
    monkeypatch.setattr(quality, "suite_path", lambda name: tmp_path / f"{name}.json")
    return write


def rule(kind, **kwargs):
    return {"type": kind, "kwargs": kwargs}


def test_row_wise_rules_and_a_zero_count_hold_on_no_rows(suite):
    name = suite(rule("expect_column_values_to_be_between", column="close", min_value=0),
                 rule("expect_compound_columns_to_be_unique", column_list=["a", "b"]),
                 rule("expect_column_pair_values_a_to_be_greater_than_b", column_A="h",
                      column_B="l"),
                 rule("expect_table_row_count_to_equal", value=0),
                 rule("expect_table_row_count_to_be_between", min_value=0, max_value=5))
    assert quality.holds_on_empty(name, {}) == 5


@pytest.mark.parametrize("expectation", [
    rule("expect_table_row_count_to_equal", value=3),
    rule("expect_table_row_count_to_be_between", min_value=1),
    rule("expect_table_row_count_to_equal", value={"$PARAMETER": "ledger_claims"}),
    rule("expect_column_mean_to_be_between", column="close", min_value=1),
])
def test_a_rule_zero_rows_could_break_sends_the_batch_to_gx(suite, expectation):
    name = suite(rule("expect_column_values_to_not_be_null", column="close"), expectation)
    assert quality.holds_on_empty(name, {"ledger_claims": 27}) is None


def test_a_parameter_resolved_to_zero_holds(suite):
    name = suite(rule("expect_table_row_count_to_equal", value={"$PARAMETER": "n"}))
    assert quality.holds_on_empty(name, {"n": 0}) == 1
    assert quality.holds_on_empty(name, {"n": 2}) is None


def test_the_bundled_incremental_suites_hold_on_an_empty_batch():
    assert quality.holds_on_empty("stock_prices", {}) == 8
    assert quality.holds_on_empty("stock_moves", {}) == 1
