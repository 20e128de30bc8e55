"""The source registry: every source declares itself once, as a ``Source`` in its own module.

Adding a source is one module (its ``SOURCES``) plus one entry in ``MODULES``. Everything else
derives from the registry: the ``--source`` choices of the CLI and the flow, the settings
(``HKPIPE_<ENV>_RATE`` / ``_TIMEOUT`` / ``_ATTEMPTS`` and the source's options), planning and
fetching (``hkpipe.ingest``), labels, the precedence the SQL macros read (the warehouse's
``source_registry`` table is written from here by every build) and ``hkpipe status``.
"""

from __future__ import annotations

from . import hkex, imports, listings, snapshot, yahoo
from .base import KINDS, Source, SourceConfig, stock_symbol

__all__ = ["KINDS", "Source", "SourceConfig", "all_sources", "choices", "expand", "get",
           "label", "live", "register", "stock_symbol", "unregister"]

MODULES = (hkex, yahoo, snapshot, imports, listings)  # the registry: one entry per source module

_REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add ``source`` (a module's declaration, or a plug-in's at run time)."""
    if source.name in _REGISTRY and _REGISTRY[source.name] is not source:
        raise ValueError(f"a source named {source.name!r} is registered already")
    _REGISTRY[source.name] = source
    return source


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


for _module in MODULES:
    for _source in _module.SOURCES:
        register(_source)


def all_sources() -> dict[str, Source]:
    """Every registered source, by name, in registration order."""
    return dict(_REGISTRY)


def get(name: str) -> Source:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; registered: {', '.join(_REGISTRY)}") from None


def live(kind: str | None = None) -> tuple[str, ...]:
    """The live sources (fetched over the network), optionally those that serve ``kind``."""
    return tuple(s.name for s in _REGISTRY.values()
                 if s.live and (kind is None or kind in s.serves))


def expand(choice: str, kind: str = "indexes") -> tuple[str, ...]:
    """A ``--source`` value -> the live sources it means (``live``: every one serving kind)."""
    if choice == "live":
        return live(kind)
    if choice not in live(kind):
        raise KeyError(f"{choice!r} is not a live source of {kind}: {', '.join(live(kind))}")
    return (choice,)


def choices(*first: str, kind: str = "indexes", then: tuple[str, ...] = ()) -> list[str]:
    """``--source`` choices: ``first`` (e.g. 'auto'), 'live', each live source, ``then``."""
    return [*first, "live", *live(kind), *then]


def label(name: str) -> str:
    """A stored source name as people read it (an import keeps its file name)."""
    for source in _REGISTRY.values():
        if source.matches(name):
            return source.label if not source.is_prefix else name
    return name
