"""hkpipe: Hong Kong index prices and new-economy listings in DuckDB, with checked claims.

Layers (logic flows downward): ``cli`` and ``flows`` -> ``jobs`` -> ``sources`` (the registry)
/ ``ingest`` (plan, fetch, settle) / ``checks`` / ``report`` -> ``warehouse`` (publish,
migrations, reads, writes) -> ``sql/`` files. Nothing below ``jobs`` prints or parses
arguments. ``connect()`` is the analysts' way in.
"""

__version__ = "0.3.0"


def connect(path=None):
    """A read-only DuckDB connection to the warehouse as last published, for analysts.

    ``path`` defaults to HKPIPE_WAREHOUSE, else ``data/warehouse.duckdb``. The connection is
    to a new in-memory database that ATTACHes the file read-only (as catalog ``warehouse``)
    and USEs it, so SQL works unqualified, views and table macros included::

        import hkpipe
        con = hkpipe.connect()  # then query it as any DuckDB connection

    Why not ``duckdb.connect(path, read_only=True)``: DuckDB caches one database instance per
    file and process. While any connection to the path is still open in the process (a
    notebook's earlier one, a library's), a new ``duckdb.connect`` to it reuses that instance
    and keeps reading the version it opened, however often you reconnect. Each call of
    ``hkpipe.connect()`` opens the file afresh: it sees the latest publish.

    Caveats: one connection keeps reading the version it opened (publishing replaces the file
    atomically; the old version stays readable until you close it), so call
    ``hkpipe.connect()`` again, and close the old connection, to see newer data. Nothing can be
    written to the warehouse through it; tables you create go to ``memory``, e.g.
    ``CREATE TABLE memory.main.mine AS ...``, and vanish on close.
    """
    from pathlib import Path

    import duckdb

    from . import sqlfiles
    from .errors import PipelineError
    from .settings import Settings

    path = Path(path) if path is not None else Settings.from_env().warehouse
    if not path.is_file():
        raise PipelineError(f"no warehouse at {path}; build it with `hkpipe run`")
    con = duckdb.connect()
    try:
        con.execute(sqlfiles.query("meta/attach_read_only"), {"path": str(path)})
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con
