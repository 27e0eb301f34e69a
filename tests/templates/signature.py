"""A workbook described as plain data, for comparing two workbooks part by part.

What is compared: sheet order, defined names, and per sheet every cell's value or formula with
its number format, font, fill, alignment and protection; merged ranges; column widths and
hidden columns; frozen panes; data validations; conditional formats; print set-up; sheet
protection. What is ignored: how openpyxl happens to serialise those (XML attribute order, style
ids, zip timestamps, document dates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def _style(cell: Any) -> tuple:
    font, fill, align = cell.font, cell.fill, cell.alignment
    return (
        cell.number_format,
        font.name,
        font.sz,
        font.b,
        font.color.rgb if font.color else None,
        fill.fill_type,
        fill.fgColor.rgb if fill.fill_type else None,
        align.horizontal,
        align.vertical,
        align.wrap_text,
        cell.protection.locked,
    )


def signature(path: str | Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {
        "sheets": wb.sheetnames,
        "names": sorted((name, dn.attr_text) for name, dn in wb.defined_names.items()),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None or cell.has_style:
                    cells[cell.coordinate] = (cell.value, _style(cell))
        cf = []
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                fill = rule.dxf.fill.bgColor.rgb if rule.dxf and rule.dxf.fill is not None else None
                cf.append((str(rng.sqref), rule.type, rule.operator, tuple(rule.formula or ()), fill))
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "columns": {k: (d.width, d.hidden) for k, d in sorted(ws.column_dimensions.items())},
            "freeze": ws.freeze_panes,
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.showErrorMessage, dv.prompt)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(cf, key=repr),
            "print": (
                ws.print_title_rows,
                ws.print_area,
                ws.page_setup.orientation,
                ws.page_setup.paperSize,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
            ),
            "protection": (
                ws.protection.sheet,
                ws.protection.password,
                ws.protection.formatColumns,
                ws.protection.insertRows,
            ),
        }
    return out


def differences(a: dict[str, Any], b: dict[str, Any], limit: int = 15) -> list[str]:
    """Readable differences between two signatures (the first ``limit``)."""
    found: list[str] = []

    def walk(x: Any, y: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y), key=str):
                if key not in x or key not in y:
                    found.append(f"{where}/{key}: only in {'committed' if key in x else 'rebuilt'}")
                else:
                    walk(x[key], y[key], f"{where}/{key}")
        elif x != y:
            found.append(f"{where}: committed {x!r} ≠ rebuilt {y!r}")

    walk(a, b, "")
    return found
