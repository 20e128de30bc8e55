"""The DuckDB warehouse: publishing (``publish``: read-only connections, the write lock,
build-then-replace), schema migrations (``migrations``), reads (``reads``), every write
(``writes``, and ``stocks`` for the bundled stock files), ``status``, and ``staging``: a scratch
DuckDB that reads an imported price file in bounded memory before any build."""

from .publish import (
                      BUILD_TAG,
                      apply_schema,
                      build,
                      check_is_duckdb,
                      check_target,
                      connect_read_only,
                      create_empty,
                      table_checksums,
                      views_digest,
                      write_lock,
)

__all__ = ["BUILD_TAG", "apply_schema", "build", "check_is_duckdb", "check_target",
           "connect_read_only", "create_empty", "table_checksums", "views_digest",
           "write_lock"]
