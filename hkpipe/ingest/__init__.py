"""One ingest path for every instrument: plan (``plan``), fetch (``fetch``), settle
(``settle``); the warehouse stores what was settled (``hkpipe.warehouse.writes``).

The CLI (through ``hkpipe.jobs``) runs the steps in one process; the Prefect flow wraps each
in a task. Neither re-implements any of them.
"""
