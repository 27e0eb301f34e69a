"""Demo unit workbooks for the macro tests: a demo unit's register (as `icx demo` writes it) plus
its 不相容岗位 tables side by side, 支出审批记录 and 自我评价 sheets, laid out as the templates
lay them out. Headers come from the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import openpyxl

from icx.demo.data import DemoUnit, make_unit
from icx.demo.workbooks import write_plain_register
from icx.io.save import save_workbook
from icx.io.table import columns, sheet_names


def _table(ws, table: str, rows: list[dict[str, Any]], top: int, left: int) -> int:
    """Header at (top, left), rows below; returns the last column used (1-based)."""
    used = {k for row in rows for k in row}
    keys: Sequence[str] = [s.key for s in columns(table) if not s.numbered and (s.key in used or s.required)]
    specs = {s.key: s for s in columns(table)}
    for c, key in enumerate(keys):
        ws.cell(row=top, column=left + c, value=specs[key].zh)
    for r, row in enumerate(rows, start=top + 1):
        for c, key in enumerate(keys):
            ws.cell(row=r, column=left + c, value=row.get(key))
    return left + len(keys) - 1


def write_unit_workbook(unit: DemoUnit, path: Path, *, suffix_sheets: bool = True) -> Path:
    path = write_plain_register(unit, path)
    if not suffix_sheets:
        return path
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(sheet_names("duties")[0])
    ws.cell(row=1, column=1, value="不相容岗位设置")
    left = 1
    for table, rows in (("duty_rules", unit.duty_rules), ("post_duties", unit.post_duties),
                        ("person_posts", unit.person_posts)):
        left = _table(ws, table, rows, top=3, left=left) + 2
    log = wb.create_sheet(sheet_names("transaction_log")[0])
    _table(log, "transaction_log", unit.transactions, top=1, left=1)
    checklist = wb.create_sheet(sheet_names("evaluation")[0])
    checklist.cell(row=1, column=1, value="内部控制自我评价表")
    _table(checklist, "evaluation", unit.evaluation, top=2, left=1)
    return save_workbook(wb, path)


def demo_unit_workbook(folder: Path, index: int = 0) -> Path:
    unit = make_unit(index)
    return write_unit_workbook(unit, folder / f"{unit.code}-{unit.name}.xlsx")
