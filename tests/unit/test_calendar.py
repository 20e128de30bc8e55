"""The bundled XHKG sessions agree with the calendar library."""

from __future__ import annotations

import pandas as pd

from hkpipe import calendar


def test_bundled_sessions_equal_the_calendar_library():
    bundled = pd.read_csv(calendar.SESSIONS_SEED, parse_dates=["session", "close_utc"])
    library = calendar.library_sessions()
    library["session"] = pd.to_datetime(library["session"])
    common = library[library["session"] <= bundled["session"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(bundled, common, check_dtype=False)
    # half days close at 12:00 in Hong Kong (04:00 UTC)
    half = bundled[bundled["session"] == "2024-12-24"]["close_utc"].iloc[0]
    assert half == pd.Timestamp("2024-12-24 04:00")
