"""The data dictionary: a Markdown page written from the warehouse's own ``COMMENT ON`` metadata.

Every table, view, column and macro is described once, by a ``COMMENT ON`` statement in
``sql/``; this module only reads them back (``sql/meta/dictionary_*.sql``: ``duckdb_tables()``,
``duckdb_views()``, ``duckdb_columns()``, ``duckdb_functions()``, ``duckdb_constraints()``), the
way ``dbt docs generate`` reads a project's descriptions. ``markdown(con)`` is pure: it reads the
catalogue of the connection it is given and writes nothing. ``fresh()`` is a schema-only
warehouse in memory (no seeds, no prices), which is what the docs site documents.
"""

from __future__ import annotations

import duckdb

from . import sqlfiles

_KIND = {"table_macro": "table macro", "macro": "macro"}

# Characters Markdown would read as markup; each is written so that it reads as itself.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKSLASHED = set("\\`*_[]|")


def escape(text: str) -> str:
    """``text`` as literal Markdown on one line, also inside a table cell: ``|`` and the other
    markup characters escaped, ``<``, ``>`` and ``&`` as entities, each line break a ``<br>``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join("".join(_ENTITIES.get(c, "\\" + c if c in _BACKSLASHED else c)
                               for c in line) for line in lines)


def _read(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute(sqlfiles.query(f"meta/dictionary_{name}")).fetchall()


def _columns_table(columns: list[tuple]) -> list[str]:
    out = ["| column | type | comment |", "|---|---|---|"]
    for name, data_type, nullable, comment in columns:
        kind = escape(data_type) + ("" if nullable else ", NOT NULL")
        out.append(f"| `{name}` | {kind} | {escape(comment)} |")
    return out


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The dictionary of the database ``con`` is connected to, as Markdown: one section per
    table, view and macro (by kind, then name), each with its comment, a table's primary key,
    and a table of its columns (name, type, comment). Level-2 headings name the kinds, level-3
    headings the objects (so a page can link ``#prices``)."""
    columns: dict[str, list[tuple]] = {}
    for table, name, data_type, nullable, comment in _read(con, "columns"):
        columns.setdefault(table, []).append((name, data_type, nullable, comment))
    keys = dict(_read(con, "keys"))
    out: list[str] = []

    def section(heading: str, rows: list[tuple], with_key: bool) -> None:
        out.extend([f"## {heading}", ""])
        if not rows:
            out.extend(["None.", ""])
        for name, comment in rows:
            out.extend([f"### `{name}`", "", escape(comment) or "*No comment.*", ""])
            if with_key and keys.get(name):
                key = ", ".join(f"`{c}`" for c in keys[name])
                out.extend([f"Primary key: {key}.", ""])
            out.extend(_columns_table(columns.get(name, [])) + [""])

    objects = _read(con, "objects")
    section("Tables", [(n, c) for kind, n, c in objects if kind == "table"], with_key=True)
    section("Views", [(n, c) for kind, n, c in objects if kind == "view"], with_key=False)
    out.extend(["## Macros", ""])
    macros = _read(con, "macros")
    if not macros:
        out.extend(["None.", ""])
    for name, kind, parameters, comment in macros:
        signature = f"{name}({', '.join(parameters)})"
        out.extend([f"### `{name}`", "", f"{_KIND[kind]} `{signature}`", "",
                    escape(comment) or "*No comment.*", ""])
    return "\n".join(out)


def fresh() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with this code's schema applied (migrations, views, macros) and
    nothing loaded: the schema the dictionary documents."""
    from . import warehouse  # here, not at the top: markdown() needs none of the loading code

    con = duckdb.connect()
    warehouse.apply_schema(con, ":memory:")
    return con
