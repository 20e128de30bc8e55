"""The sane range of every kind of number the pipeline stores, stated once.

Every numeric field from every source must be finite and inside the range of its kind, or
the input is refused (exit 2) naming the file, line and field, or the symbol and day:
CSV imports, snapshot files and seeds through ``csvio.parse_numbers``; every price batch,
whatever its source (snapshot, import, HKEX, Yahoo, a universe refresh), through
``prices.validate``; the bundled stock files through ``sql/load/stock_stage_violations.sql``,
which gets these bounds as parameters (``stage_parameters``).

| kind       | range                   | for                                              |
|------------|-------------------------|--------------------------------------------------|
| ``PRICE``  | 1e-6 to 1e9             | prices in HKD and index levels in points          |
| ``QUANTITY`` | 0 to below 1e15       | share volumes, HKD turnover and amounts raised    |
| ``NUMBER`` | above -1e15, below 1e15 | any other number in a seed                        |

Why these bounds:

- a price or index level: HKEX's smallest tick is HK$0.001 and a split-adjusted close may be
  far below it, so 1e-6 leaves room for every real one while refusing zero-like values
  (``1e-320``, a denormal) from a broken feed or file; the dearest Hong Kong share trades at a
  few thousand HKD and the Hang Seng Index at tens of thousands of points, so 1e9 is far above
  any real level yet refuses overflow (``1e308``, and ``1e309``, which is infinite as a double);
- a volume or turnover: the whole market trades below HK$1e12 a day and no stock trades a
  trillion shares, so 1e15 leaves a thousandfold margin; below it every whole number is exact
  in a double (2**53 is about 9e15), so volumes and turnover stay whole numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Bound:
    noun: str  # what a value of this kind is, in messages
    low: float
    high: float
    high_included: bool = True
    unit: str = ""

    def outside(self, values: pd.Series) -> pd.Series:
        """True where a value is not finite or outside the range; missing values (NaN from
        an empty cell) are not: whether a field may be empty is decided elsewhere."""
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64",
                                                                  na_value=np.nan)
        return pd.Series(self.outside_array(numbers), index=values.index)

    def outside_array(self, numbers: np.ndarray) -> np.ndarray:
        """``outside`` on a float64 array (NaN for missing), as a boolean array."""
        with np.errstate(invalid="ignore"):
            above = numbers > self.high if self.high_included else numbers >= self.high
            return ~np.isnan(numbers) & (~np.isfinite(numbers) | (numbers < self.low) | above)

    @property
    def range(self) -> str:
        top = f"{self.high:g}" if self.high_included else f"below {self.high:g}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.low:g} to {top}{unit}"

    def problem(self, value: float, shown: str | None = None) -> str:
        """Why ``value`` (written ``shown`` in the input) is refused."""
        shown = shown if shown is not None else f"{value:g}"
        if not math.isnan(value) and self.low > 0 >= value:
            return f"{shown} is not a positive {self.noun}"
        if math.isinf(value) and "inf" not in shown.lower():
            shown = f"{shown} (infinite as a number)"
        return (f"{shown} is outside the sane range of a {self.noun}, {self.range} "
                "(hkpipe/bounds.py)")


PRICE = Bound("price", 1e-6, 1e9, unit="HKD or index points")
QUANTITY = Bound("volume or amount", 0.0, 1e15, high_included=False)
NUMBER = Bound("number", -1e15, 1e15, high_included=False)


def stage_parameters() -> dict:
    """The bounds as ``sql/load/stock_stage_violations.sql`` takes them."""
    return {"price_min": PRICE.low, "price_max": PRICE.high, "price_range": PRICE.range,
            "quantity_max": QUANTITY.high, "quantity_range": QUANTITY.range}
