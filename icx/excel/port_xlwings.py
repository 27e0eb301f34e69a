"""The workbook port over the workbook open in Excel (xlwings). The thin seam only live Excel
exercises: everything it does is reading a block of values, writing a block of values, and
applying the formatting a ``SheetPlan`` lists. xlwings is imported lazily, when a macro runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from icx.excel.port import Render, SheetPlan, plan_of, rgb
from icx.io.grid import Grid, fill_merged
from icx.io.safety import FORMULA_LEADERS
from icx.io.scored_copy import HEADER_FILL

ADDRESS_BATCH = 200  # characters of "A1,B7,…" per Range call (Excel refuses very long addresses)


def as_text_safe(value: Any) -> Any:
    """Text that Excel would read as a formula is written with a leading apostrophe (stays text)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value


def _batches(cells: Iterable[str]) -> Iterable[str]:
    batch: list[str] = []
    length = 0
    for ref in cells:
        if batch and length + len(ref) + 1 > ADDRESS_BATCH:
            yield ",".join(batch)
            batch, length = [], 0
        batch.append(ref)
        length += len(ref) + 1
    if batch:
        yield ",".join(batch)


def _runs(rows: list[int]) -> Iterable[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: each run is written in one call."""
    start = prev = None
    for row in rows:
        if start is None:
            start = prev = row
        elif row == prev + 1:
            prev = row
        else:
            yield start, prev
            start = prev = row
    if start is not None:
        yield start, prev


def _rows_of(formula: Any) -> list[list[Any]]:
    """Range.formula as rows: xlwings gives a string for one cell, tuples of tuples for more."""
    if isinstance(formula, str):
        return [[formula]]
    return [list(row) for row in formula]


# What a protected sheet allows, as Excel's Protection object names it (kept when icx re-protects).
PROTECTION_FLAGS = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


@contextlib.contextmanager
def _unprotected(sheet: Any) -> Iterator[None]:
    """Lift a password-less sheet protection (the templates lock their formula cells) while icx
    colours or fills cells, then put it back with the same permissions. Windows Excel only; where
    it cannot (a password, Excel for Mac), the sheet is left as it is."""
    api = getattr(sheet, "api", None)
    try:
        protected = bool(api.ProtectContents)
        allowed = {flag: bool(getattr(api.Protection, flag)) for flag in PROTECTION_FLAGS} if protected else {}
        if protected:
            api.Unprotect()
    except Exception:  # not Windows COM, or a password: work on the sheet as it is
        protected = False
    try:
        yield
    finally:
        if protected:
            api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, **allowed)


class XlwingsPort:
    """A workbook port over an ``xlwings.Book``."""

    def __init__(self, book: Any):
        self.book = book

    @classmethod
    def caller(cls) -> XlwingsPort:
        """The workbook whose ribbon button was clicked (the active one, for the add-in)."""
        import xlwings as xw

        return cls(xw.Book.caller())

    @property
    def name(self) -> str:
        return str(self.book.name)

    @property
    def path(self) -> Path | None:
        full = Path(str(self.book.fullname))
        return full if full.is_absolute() and full.exists() else None

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_sheet(self, sheet: str) -> Grid:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        values = sh.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        rows = [list(row) for row in values]
        filled = fill_merged(rows, self._merged_ranges(sheet))
        return Grid(sheet, rows, filled)

    def _merged_ranges(self, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Merged ranges as the saved file has them (Excel offers no cheap way to list them), so
        a merged area cell reads on every row it spans, as the command line reads it."""
        if self.path is None:
            return []
        try:
            import python_calamine

            book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            try:
                return list(book.get_sheet_by_name(sheet).merged_cell_ranges or [])
            finally:
                book.close()
        except Exception:  # a sheet added since the last save, or an unreadable file: no merges known
            return []

    def used_width(self, sheet: str) -> int:
        return int(self.book.sheets[sheet].used_range.last_cell.column)

    def write_column(
        self,
        sheet: str,
        col: int,
        values: Mapping[int, Any],
        *,
        header: tuple[int, str] | None = None,
        number_format: str | None = None,
    ) -> None:
        sh = self.book.sheets[sheet]
        with _unprotected(sh):
            if header is not None:
                cell = sh.range((header[0], col + 1))
                cell.value = header[1]
                cell.font.bold = True
                cell.color = rgb(HEADER_FILL.fgColor.rgb)
            for first, last in _runs(sorted(values)):
                formulas = _rows_of(sh.range((first, col + 1), (last, col + 1)).formula)
                # The workbook's own formulas stay untouched: only the other cells are written.
                mine = [
                    row
                    for row in range(first, last + 1)
                    if not (isinstance(formulas[row - first][0], str) and formulas[row - first][0].startswith("="))
                ]
                for start, end in _runs(mine):
                    block = sh.range((start, col + 1), (end, col + 1))
                    block.value = [[as_text_safe(values[row])] for row in range(start, end + 1)]
                    if number_format:
                        block.number_format = number_format

    def put_sheet(self, title: str, render: Render) -> None:
        import openpyxl

        scratch = openpyxl.Workbook()
        rendered = render(scratch)
        if title in self.sheet_names():
            self.book.sheets[title].delete()
        if rendered is None:
            return
        self._apply(self.book.sheets.add(title, after=self.book.sheets[-1]), plan_of(rendered))

    def _apply(self, sh: Any, plan: SheetPlan) -> None:
        if plan.values:
            rows = [[as_text_safe(v) for v in row] for row in plan.values]
            sh.range("A1").value = rows
        for fmt, cells in plan.number_formats.items():
            for batch in _batches(cells):
                sh.range(batch).number_format = fmt
        for color, cells in plan.fills.items():
            for batch in _batches(cells):
                sh.range(batch).color = rgb(color)
        for batch in _batches(plan.bold):
            sh.range(batch).font.bold = True
        for letter, width in plan.widths.items():
            sh.range(f"{letter}1").column_width = width
        if plan.freeze and plan.freeze != "A1":
            try:  # Windows: freezing needs the sheet's window
                sh.activate()
                window = self.book.app.api.ActiveWindow
                top_left = sh.range(plan.freeze)
                window.FreezePanes = False
                window.SplitColumn, window.SplitRow = top_left.column - 1, top_left.row - 1
                window.FreezePanes = True
            except Exception:  # frozen headers are a convenience, never a reason to fail the macro
                pass
        if plan.autofilter:
            try:
                sh.range(plan.autofilter).api.AutoFilter(1)  # Windows; Excel for Mac skips it
            except Exception:  # a filter is a convenience, never a reason to fail the macro
                pass

    def highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        sh = self.book.sheets[sheet]
        with _unprotected(sh):
            for batch in _batches(cells):
                sh.range(batch).color = rgb(color)

    def clear_highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        sh = self.book.sheets[sheet]
        with _unprotected(sh):
            for ref in cells:
                cell = sh.range(ref)
                if cell.color == rgb(color):
                    cell.color = None

    def ask_folder(self, prompt: str) -> str | None:
        """A folder picked in Excel's folder dialog; '' when cancelled, None where there is none."""
        try:
            dialog = self.book.app.api.FileDialog(4)  # msoFileDialogFolderPicker (Windows)
            dialog.Title = prompt
            return str(dialog.SelectedItems(1)) if dialog.Show() == -1 else ""
        except Exception:  # Excel for Mac has no such dialog: the workbook's folder is used
            return None

    def tell(self, message: str) -> None:
        from icx import i18n

        self.book.app.alert(message, title=i18n.label("excel_title"))

    def open_file(self, path: Path) -> None:
        self.book.app.books.open(str(path))
