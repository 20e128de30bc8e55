"""The bundled snapshot: real daily history shipped in ``seeds/`` (no network).

Index prices come from ``seeds/prices/`` (the registry's ``snapshot_file``); the bundled stock
prices of two vendors from ``seeds/stocks/`` (``BUNDLED``), loaded by
``hkpipe.warehouse.stocks``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .base import Source

SOURCE = Source(
    name="snapshot", label="the bundled snapshot", serves=frozenset({"indexes"}),
    price_basis="unadjusted", price_rank=4)  # a frozen copy: every live source outranks it
# Yahoo's bundled closes are split-adjusted, with the dividend-adjusted close beside them;
# Stooq's are split-adjusted as of its snapshot (after the last fractional-volume day, as
# traded: seeds/stocks/PROVENANCE.md), so its returns are price returns.
YAHOO_STOCKS = Source(
    name="snapshot:yahoo", label="Yahoo (bundled)", serves=frozenset({"stocks"}),
    price_basis="adjusted", debut_rank=4, return_rank=1, return_basis="total return")
STOOQ_STOCKS = Source(
    name="snapshot:stooq", label="Stooq (bundled)", serves=frozenset({"stocks"}),
    price_basis="unadjusted", debut_rank=3, return_rank=2, return_basis="price return")
SOURCES = (SOURCE, YAHOO_STOCKS, STOOQ_STOCKS)

# source -> file under the seeds folder. Adding a bundled vendor is one Source here plus its
# line in this table.
BUNDLED = {YAHOO_STOCKS.name: "stocks/yahoo.csv.gz", STOOQ_STOCKS.name: "stocks/stooq.csv.gz"}


def fetch(seeds_dir: Path, registry, *, today: date | None = None) -> dict:
    """Read every registered index that has a snapshot file; symbol -> validated frame (no
    row after ``today`` in Hong Kong)."""
    from ..prices import read_price_csv

    frames = {}
    for row in registry.itertuples(index=False):
        if row.snapshot_file:
            frames[row.symbol] = read_price_csv(Path(seeds_dir) / row.snapshot_file, row.symbol,
                                                volume_means=row.snapshot_volume_means,
                                                today=today)
    return frames
