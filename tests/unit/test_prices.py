"""The price row rules (``prices.check_rows``), computed once as numpy masks: a frame every
rule accepts passes without naming anything, and a frame breaking any one rule is refused
naming its field."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from hkpipe import prices
from hkpipe.errors import InputError

TODAY = date(2026, 9, 1)


def good() -> pd.DataFrame:
    return pd.DataFrame({
        "symbol": "0700.HK", "trade_date": pd.date_range("2026-08-24", periods=5),
        "open": [1.0, 2, 3, 4, 5], "high": [2.0, 3, 4, 5, 6], "low": [0.5, 1, 2, 3, 4],
        "close": [1.5, 2.5, 3.5, 4.5, 5.5], "adj_close": [1.4, 2.4, 3.4, 4.4, 5.4],
        "volume": [100.0, 200, np.nan, 400, 500], "turnover_hkd": np.nan})


BROKEN = {  # one rule each: (column, value on the third row, the field the error names)
    "close missing": ("close", np.nan, "close"),
    "open not positive": ("open", 0.0, "open"),
    "adj_close not finite": ("adj_close", np.inf, "adj_close"),
    "high beyond its bound": ("high", 1e12, "high"),
    "low not positive": ("low", -1.0, "low"),
    "open below low": ("open", 1.5, "open"),
    "turnover fractional": ("turnover_hkd", 1000.5, "turnover_hkd"),
    "volume negative": ("volume", -1.0, "volume"),
    "volume fractional": ("volume", 10.5, "volume"),
    "turnover beyond its bound": ("turnover_hkd", 1e30, "turnover_hkd"),
    "high below low": ("high", 1.9, "high"),
    "close above high": ("close", 4.5, "close"),
    "date in the future": ("trade_date", pd.Timestamp("2026-09-02"), "date"),
}


@pytest.fixture
def no_naming(monkeypatch):
    """``fail_first`` raising: a frame that passes never reached the rules one by one."""
    def rule_by_rule(*args, **kwargs):
        raise AssertionError("validate went through the rules one by one")

    monkeypatch.setattr(prices, "fail_first", rule_by_rule)


def test_a_good_frame_validates_without_naming_a_rule(no_naming):
    assert len(prices.validate(good(), "yahoo:0700.HK", today=TODAY)) == 5


def test_nullable_columns_validate_alike(no_naming):
    frame = good().astype({"volume": "Float64"})
    frame["volume"] = frame["volume"].round().astype("Int64")
    assert len(prices.validate(frame, "yahoo:0700.HK", today=TODAY)) == 5


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_frame_breaking_one_rule_is_refused_naming_its_field(name):
    column, value, field = BROKEN[name]
    frame = good()
    frame.loc[2, column] = value
    if column == "high" and name == "high below low":
        frame.loc[2, ["open", "close"]] = 2.0  # only high < low is broken
    with pytest.raises(InputError) as raised:
        prices.validate(frame, "yahoo:0700.HK", today=TODAY)
    assert raised.value.field == field
    day = f"{frame.loc[2, 'trade_date']:%Y-%m-%d}: "
    assert str(raised.value).count(day) == 1  # the row, by its date, named once


def test_without_ranges_a_close_outside_its_bar_passes(no_naming):
    frame = good()
    frame.loc[2, "close"] = 4.5
    assert len(prices.validate(frame, "yahoo:0700.HK", today=TODAY, ranges=False)) == 5


def test_a_column_of_numbers_as_objects_validates_alike(no_naming):
    frame = good().astype({"open": object})
    assert len(prices.validate(frame, "yahoo:0700.HK", today=TODAY)) == 5
