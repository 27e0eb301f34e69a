"""The one way icx saves an openpyxl workbook: atomically, and (for macro workbooks) with the
ribbon kept. Every writer of .xlsx/.xlsm goes through ``save_workbook``."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from icx.io.macro_workbook import is_macro_workbook, keep_ribbon
from icx.io.outputs import mark_openpyxl
from icx.io.safety import atomic_output
from icx.io.shared_formulas import shared


def save_workbook(wb: openpyxl.Workbook, target: str | Path, *, output: str | None = None) -> Path:
    """Save ``wb`` to ``target`` via a temp file and rename (no half-written file on a crash).

    ``output`` marks the file as an icx output of that kind (``icx.io.outputs``): consolidation
    never reads it back as a submission. A macro workbook (.xlsm/.xlam) gets its ribbon
    relationship back, which openpyxl drops; the formula columns a template recorded are saved as
    shared formulas (``icx.io.shared_formulas``).
    """
    target = Path(target)
    if output is not None:
        mark_openpyxl(wb, output)
    with atomic_output(target) as tmp, shared(wb):
        wb.save(tmp)
        if is_macro_workbook(target):
            keep_ribbon(tmp, target.suffix)
    return target
