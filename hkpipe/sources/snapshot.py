"""The bundled snapshot: real daily history shipped in ``seeds/prices`` (no network)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..prices import read_price_csv

SOURCE = "snapshot"


def fetch(seeds_dir: Path, registry: pd.DataFrame, *, today: date | None = None
          ) -> dict[str, pd.DataFrame]:
    """Read every registered index that has a snapshot file; symbol -> validated frame (no
    row after ``today`` in Hong Kong)."""
    frames = {}
    for row in registry.itertuples(index=False):
        if row.snapshot_file:
            frames[row.symbol] = read_price_csv(Path(seeds_dir) / row.snapshot_file, row.symbol,
                                                volume_means=row.snapshot_volume_means,
                                                today=today)
    return frames
