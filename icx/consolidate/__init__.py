"""Batch consolidation of unit workbooks into the committee summary (``icx consolidate``).

``consolidate`` reads every unit workbook (in parallel processes) into compact per-unit
results and builds a ``Consolidation``; ``write_summary`` writes the committee workbook and
``write_feedback`` one feedback workbook per unit.
"""

from icx.consolidate.model import Consolidation, build, key_figures
from icx.consolidate.records import UnitResult
from icx.consolidate.roster import Roster, read_roster
from icx.consolidate.run import consolidate, read_units
from icx.consolidate.summary import write_summary

__all__ = ["Consolidation", "Roster", "UnitResult", "build", "consolidate", "key_figures", "read_roster",
           "read_units", "write_summary"]
