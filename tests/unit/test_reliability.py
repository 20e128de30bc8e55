"""Hygiene: no SQL is built by formatting input into its text."""

from __future__ import annotations

import re

from hkpipe.settings import PROJECT_ROOT

EXECUTE = re.compile(r"\.(execute|executemany|sql|aggregate|filter)\(")


# sweep_macro / sweep_call: a named claim file as a table macro (its $parameters become the
# macro's, still bound from a registered frame; hkpipe/sqlfiles.py)
SAFE_ARGUMENT = re.compile(
    r"""(sqlfiles\.)?(query|file_text|sweep_macro|sweep_call)\(|"[A-Z][A-Z_ ]*[a-z_]*"\)|\)""")


def formatted_sql_calls(text: str) -> list[int]:
    """Lines of SQL calls whose SQL is neither a named file from sql/ nor a constant."""
    lines = []
    for m in EXECUTE.finditer(text):
        argument = text[m.end():m.end() + 60].lstrip()
        if m.group(1) == "aggregate" and argument.startswith('"count(*)'):
            continue  # the checksum expression, a constant
        if not SAFE_ARGUMENT.match(argument):
            lines.append(text[:m.start()].count("\n") + 1)
    return lines


def test_the_formatting_detector_catches_formatted_sql():
    assert formatted_sql_calls('con.execute(f"SELECT * FROM t WHERE s = {symbol}")') == [1]
    assert formatted_sql_calls('con.execute("SELECT %s" % symbol)') == [1]
    assert formatted_sql_calls('con.sql("SELECT " + symbol)') == [1]
    assert formatted_sql_calls('con.execute(sqlfiles.query("load/x"), {"a": 1})') == []
    assert formatted_sql_calls('con.execute("CHECKPOINT")') == []


def test_no_sql_is_built_by_formatting_input():
    """Every SQL call in hkpipe/ and flows/ runs a named file from sql/ (whose parameters
    are bound) or a constant statement; none formats values into SQL text."""
    offenders = []
    for folder in ("hkpipe", "flows"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            text = path.read_text()
            offenders += [f"{path.relative_to(PROJECT_ROOT)}:{n}"
                          for n in formatted_sql_calls(text)]
    assert offenders == []
