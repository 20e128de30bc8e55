"""Price sources. Each returns a validated price frame (see ``hkpipe.prices``).

The live sources are listed in ``LIVE`` with the column of ``seeds/indexes.csv`` that names a
symbol there. Each live module offers the same surface: ``session_token(settings)`` (what a
run fetches once and shares, e.g. HKEX's token; None when nothing), ``open_session(settings,
token=None)`` and ``fetch_plan(settings, plan, session, attempts)`` (one symbol's bars, with
classified failures).
Adding a source means adding its module here and its column to the registry.
"""

LIVE = {"hkex": "hkex_ric", "yahoo": "yahoo_symbol"}  # source -> registry column
