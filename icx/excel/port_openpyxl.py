"""The workbook port over an openpyxl workbook: how the macros run headless (CLI, tests).

Opened from a file, the port reads values the way the CLI does (``icx.io.grid.load_grid``:
cached formula results, merged cells filled) and writes into an openpyxl copy of the file
(macros kept), which ``save`` writes atomically with ``icx.io.save.save_workbook``. The file
itself is never modified unless it is the target of ``save``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import PatternFill

from icx.excel.port import Render
from icx.io.grid import Grid, WorkbookGrid, load_grid
from icx.io.safety import put_value
from icx.io.save import save_workbook
from icx.io.scored_copy import HEADER_FILL, HEADER_FONT, open_for_copy, remove_sheet


class OpenpyxlPort:
    """A workbook port over ``wb``; ``grids`` are the file's values as read by the CLI."""

    def __init__(self, wb: openpyxl.Workbook, path: Path | None = None, grids: WorkbookGrid | None = None):
        self.wb = wb
        self._path = Path(path) if path else None
        self._grids: dict[str, Grid] = dict(grids.sheets) if grids else {}
        self._changed: set[str] = set()
        self.messages: list[str] = []
        self.statuses: list[str | None] = []
        self.opened: list[Path] = []

    @classmethod
    def open(cls, path: str | Path) -> OpenpyxlPort:
        """A port over the workbook at ``path`` (checked and read like every untrusted file)."""
        path = Path(path)
        grids = load_grid(path)
        return cls(open_for_copy(path), path, grids)

    def save(self, target: str | Path) -> Path:
        return save_workbook(self.wb, target)

    # --- the port ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._path.name if self._path else "workbook.xlsx"

    @property
    def path(self) -> Path | None:
        return self._path

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read_sheet(self, sheet: str) -> Grid:
        if sheet in self._grids and sheet not in self._changed:
            return self._grids[sheet]
        ws = self.wb[sheet]
        return Grid(sheet, [list(row) for row in ws.iter_rows(values_only=True)])

    def used_width(self, sheet: str) -> int:
        return self.wb[sheet].max_column

    def write_column(
        self,
        sheet: str,
        col: int,
        values: Mapping[int, Any],
        *,
        header: tuple[int, str] | None = None,
        number_format: str | None = None,
    ) -> None:
        ws = self.wb[sheet]
        if header is not None:
            cell = ws.cell(row=header[0], column=col + 1, value=header[1])
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for row, value in values.items():
            cell = ws.cell(row=row, column=col + 1)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # the workbook's own formula stays
            put_value(cell, value)
            if number_format and value is not None:
                cell.number_format = number_format
        self._changed.add(sheet)

    def put_sheet(self, title: str, render: Render) -> None:
        written = render(self.wb)
        if written is None:
            remove_sheet(self.wb, title)
        self._changed.add(title)

    def highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        ws = self.wb[sheet]
        for ref in cells:
            ws[ref].fill = PatternFill("solid", fgColor=color)

    def clear_highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        ws = self.wb[sheet]
        for ref in cells:
            fill = ws[ref].fill
            if fill is not None and fill.fill_type == "solid" and str(fill.fgColor.rgb)[-6:].upper() == color.upper():
                ws[ref].fill = PatternFill(fill_type=None)

    def tell(self, message: str) -> None:
        self.messages.append(message)

    def status(self, message: str | None) -> None:
        self.statuses.append(message)

    def open_file(self, path: Path) -> None:
        self.opened.append(Path(path))
