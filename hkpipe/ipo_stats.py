"""Bootstrap intervals for the mean BHAR of each ``ipo_bhar`` cell.

The interval is a percentile bootstrap: resample a cell's listings with replacement
``BOOTSTRAP_DRAWS`` times and take the 2.5th and 97.5th percentiles of the resampled means.
It is computed here with numpy rather than in DuckDB SQL because SQL has no seeded random
generator whose draws are fixed across runs and threads (``setseed`` is per connection and the
parallel scans consume it in no fixed order), and a resampling in SQL materialises draws x
listings rows for every cell; numpy's ``default_rng(seed)`` gives the same draws for the same
seed and input on every run. Each cell gets its own generator from the same seed, so a cell's
interval does not depend on which other cells exist, and its listings are in a fixed order
(``ipo_bhar_values`` sorts them by stock code and listing date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import sqlfiles

BOOTSTRAP_SEED = 20  # issue 20; any fixed value: results reproduce, not tuned
BOOTSTRAP_DRAWS = 2000
CONFIDENCE = 0.95
CELL = ["cohort", "cohort_value", "horizon", "benchmark"]


def bootstrap_mean_interval(values, seed: int = BOOTSTRAP_SEED, draws: int = BOOTSTRAP_DRAWS,
                            confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values`` (resampling them with
    replacement ``draws`` times from ``numpy.random.default_rng(seed)``)."""
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(draws, len(x)))].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def bhar_table(con, seed: int = BOOTSTRAP_SEED, draws: int = BOOTSTRAP_DRAWS) -> pd.DataFrame:
    """``ipo_bhar`` with ``ci_low`` and ``ci_high``: the bootstrap 95% interval of mean_bhar,
    for the cells with estimates (NULL where the cell is below the minimum N)."""
    cells = con.execute(sqlfiles.query("report/ipo_bhar_cells")).df()
    values = con.execute(sqlfiles.query("report/ipo_bhar_listing_values")).df()
    shown = cells.loc[cells["estimated"], CELL]
    wanted = values.merge(shown, on=CELL)
    bounds = {key: bootstrap_mean_interval(group["bhar"].to_numpy(), seed, draws)
              for key, group in wanted.groupby(CELL, sort=False)}
    keys = list(cells[CELL].itertuples(index=False, name=None))
    cells["ci_low"] = [bounds.get(k, (None, None))[0] for k in keys]
    cells["ci_high"] = [bounds.get(k, (None, None))[1] for k in keys]
    return cells
