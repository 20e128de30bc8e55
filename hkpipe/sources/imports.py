"""Analysts' CSV exports (``hkpipe import-prices``): stored as source ``import:<file name>``.

An import outranks every other source: an automatic refresh never overrides a deliberate load.
"""

from __future__ import annotations

from .base import Source

SOURCE = Source(name="import:", label="an analyst's import", serves=frozenset({"indexes"}),
                price_basis="unadjusted", price_rank=1, is_prefix=True)
SOURCES = (SOURCE,)


def source_name(file_name: str) -> str:
    return f"{SOURCE.name}{file_name}"
