"""Perturbations on a built warehouse: an article folder that is not the project's, with a
"best start since YEAR" claim and a declared base-year range, gets one robustness row per year
and the right boundary year, recomputed here from the prices with pandas; the batched sweep
measures what one query per variant measures; `check` prints and stores them."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from hkpipe import jobs
from hkpipe.checks import sweeps
from hkpipe.warehouse import reads
from tests.fakes.common import SEEDS, make_settings, query

# one swept warehouse for the module, on one worker: loadgroup would otherwise build it on each
pytestmark = pytest.mark.xdist_group("sweeps")

ARTICLE = "test-best-start"
FIRST, LAST = 1990, 2024
TOML = f'''id = "{ARTICLE}"
outlet = "A test outlet"
date = 2026-01-05
title = ""
address = ""
provenance = "Written for tests/integration/test_sweeps.py; not a real article."

[[passages]]
kind = "quoted"
text = "the index had its best start of a year since 2013"
claims = ["best_start"]
'''
LEDGER = ("id,statement,query,params,measured,comparison,expected,note,vary\n"
          "best_start,the best start since 2013,best_start_since,"
          "symbol=^HSI; year=2026; since=2013,target,target > best_between,holds,"
          f"read as: no first session of the years after the base year beat 2026's,"
          f"since={FIRST}..{LAST}\n")


@pytest.fixture(scope="module")
def swept(built, tmp_path_factory):
    root = tmp_path_factory.mktemp("sweeps")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("stocks"))
    shutil.copytree(SEEDS / "stocks", seeds / "stocks", copy_function=_link)
    folder = seeds / "articles" / ARTICLE
    folder.mkdir()
    (folder / "article.toml").write_text(TOML, encoding="utf-8")
    (folder / "claims.csv").write_text(LEDGER, encoding="utf-8")
    settings = make_settings(root, seeds)
    shutil.copyfile(built, settings.warehouse)
    outcome = jobs.check(settings, article=ARTICLE)
    return settings, outcome


def _link(src, dst):
    import os
    os.symlink(src, dst)


def first_day_changes(warehouse) -> pd.Series:
    """Each year's first-session change of ^HSI against the previous year's last close,
    from the resolved prices alone (not the first_trading_day_returns view)."""
    prices = pd.DataFrame(query(warehouse, "SELECT trade_date, close FROM prices WHERE symbol "
                                           "= '^HSI' AND close IS NOT NULL ORDER BY 1"),
                          columns=["day", "close"])
    prices["year"] = pd.to_datetime(prices["day"]).dt.year
    first = prices.groupby("year")["close"].first()
    last = prices.groupby("year")["close"].last().shift(1)
    return ((first / last - 1) * 100).round(6).dropna()


def test_a_robustness_row_per_base_year_and_the_boundary_recomputed(swept):
    settings, outcome = swept
    rows = query(settings.warehouse, "SELECT varied, verdict, agrees FROM claim_robustness "
                                     "WHERE article_id = ? ORDER BY variant", [ARTICLE])
    assert [r[0] for r in rows] == [f"since={y}" for y in range(FIRST, LAST + 1)]
    changes = first_day_changes(settings.warehouse)
    target = changes[2026]
    expected = {y: "holds" if changes[(changes.index > y) & (changes.index < 2026)].max()
                < target else "fails" for y in range(FIRST, LAST + 1)}
    assert {int(r[0][6:]): r[1] for r in rows} == expected
    boundary = min(y for y, v in expected.items() if v == "holds")
    assert all(v == "holds" for y, v in expected.items() if y >= boundary)  # one crossing
    assert FIRST < boundary <= 2013
    (summary,) = query(settings.warehouse, "SELECT verdict, variants, agreeing, boundary, "
                       "margin FROM claim_robustness_summary WHERE article_id = ?", [ARTICLE])
    assert summary[:3] == ("holds", LAST - FIRST + 1, LAST - boundary + 1)
    assert summary[3] == (f"holds for since {boundary} to {LAST}; "
                          f"fails for since {FIRST} to {boundary - 1}")
    best_after_2013 = changes[(changes.index > 2013) & (changes.index < 2026)].max()
    assert summary[4] == pytest.approx(target - best_after_2013)
    assert [s.claim.id for s in outcome.sweeps if s.variants] == ["best_start"]


def test_the_batched_sweep_measures_what_one_query_per_variant_measures(built):
    """Every declared sweep of the project's ledgers: batched where DuckDB runs the kind as a
    LATERAL macro (the three article claims' kinds do), else one query per variant."""
    import duckdb

    settings = make_settings(built.parent)
    con = reads.open_current(built)
    batched_kinds = set()
    try:
        for claim in [c for c in _project_claims(settings) if c.vary]:
            grid = sweeps._grid(claim)
            params = [{**claim.params, **{k: v for k, v in g.items()
                                          if k not in sweeps.PSEUDO}} for g in grid]
            one_by_one = [sweeps._one(con, claim, p) for p in params]
            try:
                batched = sweeps._batched(con, claim.query, params)
            except duckdb.Error:
                continue  # the sweep falls back to one_by_one
            assert batched == one_by_one, claim.key
            batched_kinds.add(claim.query)
    finally:
        con.close()
    assert {"best_start_since", "first_day_change", "new_economy_count"} <= batched_kinds


def _project_claims(settings):
    from hkpipe import articles
    return articles.all_claims(articles.read_all(settings.seeds_dir))


def test_check_without_sweeps_measures_margins_but_no_variants(built_settings):
    outcome = jobs.check(built_settings, record=False, sweep=False)
    assert outcome.sweeps and not any(s.variants for s in outcome.sweeps)
    first_day = next(s for s in outcome.sweeps if s.claim.id.startswith("hsi_first_day"))
    assert first_day.margin == pytest.approx(first_day.result.measured_value - 2.8)
