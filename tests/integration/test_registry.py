"""The source registry: a source declared in one module is everywhere (the CLI's --source
choices, the settings, planning, the warehouse's precedence and status) with one registry
entry, and the rules the SQL macros apply come from the registry, not from literals."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from hkpipe import cli, jobs, sources
from hkpipe.settings import Settings
from hkpipe.warehouse import status
from tests.fakes.common import query

NOW = "2026-08-26T18:00:00+08:00"  # Wednesday: the sessions of 08-24..26 have closed

TOY_MODULE = '''
"""A toy source: serves ^HSI (named by the registry's yahoo_symbol column) with a constant
bar on every session asked for."""
import pandas as pd

from hkpipe import calendar
from hkpipe.settings import SourceConfig
from hkpipe.sources.base import Source


def fetch(plan, session, config, *, today, ranges=True):
    days = calendar.sessions(plan.start, plan.end)
    return pd.DataFrame({"symbol": plan.symbol, "trade_date": days, "open": 100.0,
                         "high": 101.0, "low": 99.0, "close": 100.5, "adj_close": float("nan"),
                         "volume": float("nan"), "turnover_hkd": float("nan")})


SOURCE = Source(name="toy", label="Toy", serves=frozenset({"indexes"}), price_basis="unadjusted",
                price_rank=0, column="yahoo_symbol", env="TOY",
                defaults=SourceConfig(rate=0.0, timeout=5.0, attempts=1), fetch=fetch)
SOURCES = (SOURCE,)
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy module, written as a file, imported and registered (one registry entry)."""
    path = tmp_path / "toy_source.py"
    path.write_text(textwrap.dedent(TOY_MODULE), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("toy_source", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "toy_source", module)
    for source in module.SOURCES:
        sources.register(source)
    yield module
    sources.unregister("toy")


def test_the_shipped_registry():
    assert sources.live("indexes") == ("hkex", "yahoo")
    assert sources.live("listings") == ("hkex_list",)
    assert sources.live("stocks") == ("hkex", "yahoo")
    assert sources.label("import:my.csv") == "import:my.csv"
    assert sources.get("hkex").is_exchange and not sources.get("yahoo").is_exchange
    ranks = {n: s.price_rank for n, s in sources.all_sources().items() if s.price_rank}
    assert sorted(ranks, key=ranks.get) == ["import:", "hkex", "yahoo", "snapshot"]


def test_a_toy_source_appears_in_the_cli_choices_and_settings(toy, monkeypatch, capsys):
    assert "toy" in sources.live() and "toy" in sources.choices("auto", "snapshot")
    with pytest.raises(SystemExit):
        cli.main(["refresh", "--help"])
    assert "toy" in capsys.readouterr().out
    monkeypatch.setenv("HKPIPE_TOY_RATE", "7")
    assert Settings.from_env().source("toy").rate == 7.0
    assert Settings.from_env().source("toy").attempts == 1  # the toy's declared default


def test_a_toy_source_is_planned_fetched_ranked_and_shown_in_status(toy, built_settings,
                                                                    monkeypatch, capsys):
    monkeypatch.setenv("HKPIPE_NOW", NOW)
    settings = Settings.from_env(warehouse=built_settings.warehouse)
    plans, notes = jobs.plan_indexes(settings, "toy")
    assert {(p.source, p.symbol, p.remote, p.end.isoformat()) for p in plans} == {
        ("toy", "^HSI", "^HSI", "2026-08-26"), ("toy", "HSTECH.HK", "HSTECH.HK", "2026-08-26")}
    assert any("HKEXT100" in n and "no Toy symbol" in n for n in notes)
    assert {p.source for p in jobs.plan_indexes(settings, "live")[0]} == {"hkex", "yahoo",
                                                                          "toy"}
    assert cli.main(["refresh", "--source", "toy", "--warehouse", str(settings.warehouse)]) == 0
    # price_rank 0 outranks the snapshot: the resolved price of a day both have is the toy's
    assert query(settings.warehouse, "SELECT source, close FROM prices WHERE symbol = '^HSI' "
                 "AND trade_date = DATE '2026-08-21'") == [("toy", 100.5)]
    assert query(settings.warehouse, "SELECT source_rank('toy'), source_rank('snapshot'), "
                 "source_rank('import:x.csv')") == [(0, 4, 1)]
    st = status.read(settings.warehouse)
    assert {"source": "toy", "label": "Toy", "serves": "indexes", "live": True,
            "price_basis": "unadjusted"} in st.sources
    capsys.readouterr()
    assert cli.main(["status", "--warehouse", str(settings.warehouse)]) == 0
    assert "toy (Toy: indexes, live)" in capsys.readouterr().out


def test_the_sql_precedence_is_the_registrys(built):
    """Every rank the macros apply is the registry's (no literal left in the SQL)."""
    rows = query(built, "SELECT source, source_rank(source), stock_source_rank(source), "
                 "stock_return_rank(source), stock_return_basis(source), "
                 "source_is_exchange(source) FROM source_registry WHERE NOT is_prefix")
    for name, price, debut, ret, basis, exchange in rows:
        s = sources.get(name)
        assert (price, debut, ret) == tuple(r if r is not None else 1000 for r in (
            s.price_rank, s.debut_rank, s.return_rank)), name
        assert basis == (s.return_basis or "price return") and exchange == s.is_exchange
