"""Batch consolidation of unit workbooks into the committee summary (``icx consolidate``).

``consolidate`` reads every unit workbook (in parallel processes) into compact per-unit
results and builds a ``Consolidation``; ``write_summary`` writes the committee workbook and
``write_feedback`` one feedback workbook per unit.

The names below are imported on first use: worker processes are forked as soon as the readers
are loaded, and the writers (XlsxWriter) load while the workers read.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Consolidation": "model",
    "build": "model",
    "key_figures": "model",
    "UnitResult": "records",
    "Roster": "roster",
    "read_roster": "roster",
    "consolidate": "run",
    "read_units": "run",
    "write_summary": "summary",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
