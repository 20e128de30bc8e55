"""The docs site (issue 21, item 7): `mkdocs build --strict` builds it, and its data dictionary,
generated from the warehouse's COMMENT ON metadata, covers every table, view, column and macro
of a fresh warehouse. Also: the README stays short and keeps its two Quick start commands.

Only pytest's own fixtures are used, and no other test module is imported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import markdown as python_markdown
import pytest

from hkpipe import dictionary, warehouse

# one site build and one catalogue for the module, on one worker: loadgroup would otherwise
# build them on each
pytestmark = pytest.mark.xdist_group("docs-site")

ROOT = Path(__file__).resolve().parents[2]


class Sections(HTMLParser):
    """The dictionary page read back: per level-3 heading id, its paragraphs and table rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, dict[str, list]] = {}
        self._current = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._para: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2"):
            self._current = None
        elif tag == "h3":
            self._current = self.sections.setdefault(attrs["id"], {"p": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "p":
            self._para = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._current is not None and self._row:
                self._current["rows"].append(self._row)
            self._row = None
        elif tag == "p" and self._para is not None:
            if self._current is not None:
                self._current["p"].append("".join(self._para))
            self._para = None

    def handle_data(self, data):
        for part in (self._cell, self._para):
            if part is not None:
                part.append(data)


def sections_of(html: str) -> dict[str, dict[str, list]]:
    parser = Sections()
    parser.feed(html)
    return parser.sections


def columns_of(section: dict[str, list]) -> dict[str, tuple[str, str]]:
    """column name -> (type, comment), from a section's table (the header row left out)."""
    return {row[0]: (row[1], row[2]) for row in section["rows"] if row[0] != "column"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def fresh_catalogue():
    """A fresh warehouse, schema applied and nothing loaded: what the dictionary documents."""
    con = duckdb.connect()
    warehouse.apply_schema(con, ":memory:")
    yield con
    con.close()


def test_the_site_builds_strict_with_every_page_and_the_changelog(site):
    pages = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
    assert {"index", "dictionary", "architecture", "changelog"} <= set(pages)
    for page in pages:
        assert (site / f"{page}.html").is_file(), page
    changelog = (site / "changelog.html").read_text(encoding="utf-8")
    first_entry = next(line for line in (ROOT / "CHANGELOG.md").read_text().splitlines()
                       if line.startswith("## "))
    assert first_entry[3:].split(" ")[0] in changelog  # the newest version, e.g. 0.3.0
    assert "The import package is" in changelog


def test_the_dictionary_covers_every_table_view_column_and_macro(site, fresh_catalogue):
    con = fresh_catalogue
    sections = sections_of((site / "dictionary.html").read_text(encoding="utf-8"))
    objects = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal "
        "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal "
        "ORDER BY table_name, column_index").fetchall()
    macros = con.execute(
        "SELECT function_name, comment FROM duckdb_functions() WHERE NOT internal "
        "AND function_type IN ('macro', 'table_macro')").fetchall()
    assert len(objects) >= 30 and len(columns) >= 300 and macros  # the schema really applied

    missing = [name for name, _ in objects + macros if name not in sections]
    assert not missing, f"not on the dictionary page: {missing}"
    for name, comment in objects + macros:
        assert comment and comment in sections[name]["p"], name
    for table, column, comment in columns:
        page_columns = columns_of(sections[table])
        assert column in page_columns, f"{table}.{column} is not on the dictionary page"
        assert page_columns[column][1] == comment, f"{table}.{column}"
    for table in {t for t, _, _ in columns}:  # no column the warehouse lacks
        assert list(columns_of(sections[table])) == [c for t, c, _ in columns if t == table]


def test_markdown_escapes_comments_for_tables():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR)")
    con.execute("COMMENT ON TABLE t IS 'a | b, *not* emphasis, <tag> & [link](x)'")
    con.execute("COMMENT ON COLUMN t.a IS 'pipe | here\nsecond line; \\ back, `tick`, _u_'")
    con.execute("CREATE VIEW v AS SELECT b FROM t")
    con.execute("COMMENT ON VIEW v IS 'the view'")
    con.execute("CREATE MACRO m(x, y) AS x + y")
    con.execute("COMMENT ON MACRO m IS 'adds | two'")
    con.execute("CREATE TEMP TABLE scratch (z INTEGER)")
    text = dictionary.markdown(con)
    con.close()

    row = next(line for line in text.splitlines() if line.startswith("| `a` |"))
    assert row == ("| `a` | INTEGER, NOT NULL | pipe \\| here<br>second line; \\\\ back, "
                   "\\`tick\\`, \\_u\\_ |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 4  # three cells: no pipe leaks out of one
    assert "scratch" not in text  # temporary objects are not the warehouse's

    sections = sections_of(python_markdown.markdown(text, extensions=["tables", "toc"]))
    assert set(sections) == {"t", "v", "m"}
    assert sections["t"]["p"][0] == "a | b, *not* emphasis, <tag> & [link](x)"
    assert columns_of(sections["t"]) == {
        "a": ("INTEGER, NOT NULL", "pipe | here\nsecond line; \\ back, `tick`, _u_"),
        "b": ("VARCHAR", "")}
    assert columns_of(sections["v"]) == {"b": ("VARCHAR", "")}
    assert "macro m(x, y)" in sections["m"]["p"] and "adds | two" in sections["m"]["p"]


def test_the_readme_is_short_and_keeps_the_two_quick_start_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines (at most 250)"
    start = lines.index("## Quick start")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    quick = lines[start:end]
    fence = [i for i, line in enumerate(quick) if line.startswith("```")]
    assert len(fence) == 2, quick
    commands = [line.split("#")[0].strip() for line in quick[fence[0] + 1:fence[1]]]
    assert commands == ["make run", "make test"]
    assert "site/index.html" in "\n".join(lines) and "make docs" in "\n".join(lines)
