"""hkpipe: Hong Kong index prices and new-economy listings in DuckDB, with checked claims.

Layers (logic flows downward): ``cli`` and ``flows`` -> ``jobs`` -> sources / load / checks /
report -> ``warehouse`` -> ``sql/`` files. Nothing below ``jobs`` prints or parses arguments.
"""

__version__ = "0.2.0"
