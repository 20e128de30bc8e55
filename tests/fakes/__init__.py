"""What the test tiers share besides fixtures: the stand-in services (``hkex``, ``yahoo``), the
scenario data built on them, the ``hkpipe`` command runners (``cli``) and the read helpers
(``common``). No test module imports another; they import from here and tests/conftest.py."""
