"""HKEX's chart rows normalised: padding rows skipped, grouped numbers read, future days refused."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from hkpipe.errors import InputError
from hkpipe.sources import hkex


def test_normalise_skips_padding_and_reads_grouped_numbers():
    rows = [[1767196800000, None, None, None, None, None, None],
            [1767283200000, "25,700.10", "26,400.00", "25,650.00", "26,338.47", "0",
             "310,123,456,789"],
            [1767369600000, None, None, None, None, None, None]]
    frame = hkex.normalise(rows, "^HSI", ".HSI", date(2026, 1, 1), date(2026, 1, 3),
                           today=date(2026, 8, 24))
    assert frame[["trade_date", "close", "turnover_hkd"]].values.tolist() == [
        [pd.Timestamp("2026-01-02"), 26338.47, 310123456789.0]]
    assert pd.isna(frame["volume"].iloc[0])
    with pytest.raises(InputError, match="after today"):
        hkex.normalise(rows, "^HSI", ".HSI", date(2026, 1, 1), date(2026, 1, 3),
                       today=date(2026, 1, 1))
