"""The one way icx saves an openpyxl workbook: atomically, and (for macro workbooks) with the
ribbon kept. Every writer of .xlsx/.xlsm goes through ``save_workbook``."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from icx.io.macro_workbook import is_macro_workbook, keep_ribbon
from icx.io.safety import atomic_output
from icx.io.shared_formulas import shared


def save_workbook(wb: openpyxl.Workbook, target: str | Path) -> Path:
    """Save ``wb`` to ``target`` via a temp file and rename (no half-written file on a crash).

    A macro workbook (.xlsm/.xlam) gets its ribbon relationship back, which openpyxl drops; the
    formula columns a template recorded are saved as shared formulas (``icx.io.shared_formulas``).
    """
    target = Path(target)
    with atomic_output(target) as tmp, shared(wb):
        wb.save(tmp)
        if is_macro_workbook(target):
            keep_ribbon(tmp, target.suffix)
    return target
