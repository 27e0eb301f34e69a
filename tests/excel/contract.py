"""Running a macro both ways — through ``XlwingsPort`` on the contract engine (``xlengine``) and
through ``OpenpyxlPort`` — and what a user of the resulting workbooks sees, cell by cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from icx.excel.port_openpyxl import OpenpyxlPort
from icx.excel.port_xlwings import XlwingsPort

from .xlengine import MAC, Excel

PROTECTION = (
    "sheet",
    "objects",
    "scenarios",
    "formatCells",
    "formatColumns",
    "formatRows",
    "insertColumns",
    "insertRows",
    "insertHyperlinks",
    "deleteColumns",
    "deleteRows",
    "selectLockedCells",
    "selectUnlockedCells",
    "sort",
    "autoFilter",
    "pivotTables",
)


def _plain(value: Any) -> Any:
    """A cell value as a reader compares it: a date is the datetime of its midnight (Excel stores
    both as the same serial number), and the type stays part of it (text "0107" is not 107)."""
    if isinstance(value, dt.datetime):
        return ("date", value)
    if isinstance(value, dt.date):
        return ("date", dt.datetime(value.year, value.month, value.day))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return (type(value).__name__, value)


def dump(path: Path) -> dict[str, Any]:
    """Everything a user of the workbook sees, sheet by sheet, in order: values with their type,
    number formats, fills, bold, font sizes, alignment and wrapping, merged ranges, column widths and row
    heights, frozen panes, filters, print settings and each sheet's protection."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"order": wb.sheetnames}
    for ws in wb:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb[-6:] if c.fill is not None and c.fill.fill_type == "solid" else None
                if c.value is not None or fill or c.font.b:
                    size = float(c.font.sz or 11)
                    cells[c.coordinate] = (
                        _plain(c.value),
                        c.number_format,
                        fill,
                        bool(c.font.b),
                        size,
                        bool(c.alignment.wrap_text),
                    )
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        heights = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
        protection = {name: bool(getattr(ws.protection, name)) for name in PROTECTION}
        fit = bool(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage)
        page = (
            ws.page_setup.orientation or "portrait",
            fit,
            (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) if fit else None,
            (ws.print_title_rows or "").replace("$", "") or None,
        )
        out[ws.title] = {
            "cells": cells,
            "widths": widths,
            "heights": heights,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "merged": sorted(map(str, ws.merged_cells.ranges)),
            "protection": protection,
            "print": page,
        }
    return out


def differences(a: Path, b: Path) -> list[str]:
    """What differs between two workbooks, in words (empty when a user sees the same)."""
    left, right = dump(a), dump(b)
    if left["order"] != right["order"]:
        return [f"sheets {left['order']} ≠ {right['order']}"]
    found = []
    for title in left["order"]:
        for part in left[title]:
            if part == "cells":
                lc, rc = left[title]["cells"], right[title]["cells"]
                for ref in sorted(set(lc) | set(rc)):
                    if lc.get(ref) != rc.get(ref):
                        found.append(f"{title}!{ref}: {lc.get(ref)} ≠ {rc.get(ref)}")
            elif left[title][part] != right[title][part]:
                found.append(f"{title} {part}: {left[title][part]} ≠ {right[title][part]}")
    return found


@dataclass
class BothWays:
    """One macro run both ways on the same file."""

    headless: OpenpyxlPort
    excel: Excel
    port: XlwingsPort
    result: Any
    headless_file: Path
    excel_file: Path

    @property
    def excel_messages(self) -> list[str]:
        return [prompt for _, prompt in self.excel.alerts]


def run_both(
    source: Path,
    macro: Callable[..., Any],
    flavour: str,
    out: Path,
    picked_folder: Path | None = None,
    **kwargs: Any,
) -> BothWays:
    """Run ``macro`` on ``source`` through OpenpyxlPort and through XlwingsPort on a ``flavour``
    Excel; both resulting workbooks are saved into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    headless = OpenpyxlPort.open(source)
    macro(port=headless, **kwargs)
    headless_file = headless.save(out / f"openpyxl{source.suffix}")
    excel = Excel(flavour, picked_folder=picked_folder)
    book = excel.open(source)
    port = XlwingsPort(book, mac=flavour == MAC)
    result = macro(port=port, **kwargs)
    excel_file = excel.save(book, out / f"{flavour}{source.suffix}")
    return BothWays(headless, excel, port, result, headless_file, excel_file)
