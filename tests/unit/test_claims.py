"""The claim ledger's verdict logic and parsing, without a warehouse."""

from __future__ import annotations

import pytest

from hkpipe.checks import claims
from hkpipe.errors import InputError
from tests.fakes.articles import write_ledger

ARTICLE = "globaltimes-2026-01-04"


def test_judge_needs_every_item():
    assert claims.judge("a > 1 and b <= a", {"a": 2.0, "b": 2.0}) == "holds"
    assert claims.judge("a > 1 and b < a", {"a": 2.0, "b": 2.0}) == "fails"
    assert claims.judge("a > 1 and b < a", {"a": 2.0}) == "unverifiable"
    assert claims.judge("a > 1", {"a": None}) == "unverifiable"


def test_malformed_comparison_names_line_and_field(tmp_path):
    def edit(rows):
        rows[1]["comparison"] = "target >> best_between"
    seeds = write_ledger(tmp_path, edit)
    with pytest.raises(InputError) as err:
        claims.read_ledger(seeds / "articles" / ARTICLE / "claims.csv")
    assert (err.value.line, err.value.field) == (3, "comparison")
