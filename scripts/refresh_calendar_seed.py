"""Write seeds/xhkg_sessions.csv: the XHKG sessions and closes from exchange_calendars.

Builds read this copy instead of importing exchange_calendars while it reaches at least 60 days
past today; after that they compute the calendar from the library again, so rerun this script
(monthly, or after upgrading exchange_calendars) to keep builds fast. The tests check that the
copy equals the library's calendar.

    python scripts/refresh_calendar_seed.py
"""

from __future__ import annotations

import sys

from hkpipe import calendar


def main() -> int:
    frame = calendar.library_sessions()
    frame.to_csv(calendar.SESSIONS_SEED, index=False)
    print(f"wrote {calendar.SESSIONS_SEED}: {len(frame)} sessions "
          f"{frame['session'].min()}..{frame['session'].max()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
