"""The workbook port over the workbook open in Excel (xlwings): the one seam only live Excel
exercises. It reads a block of values, writes a block of values and applies the formatting a
``SheetPlan`` lists. xlwings is imported lazily, when a macro runs.

Excel's rules it is written to (``tests/excel/xlengine.py`` holds an engine that follows them, and
a test checks that engine against the installed xlwings):

- **Text is written as text.** Excel reads a string it is handed as if typed: "0107" becomes 107,
  "1.10" becomes 1.1, "2026-01-05" a date, "35%" 0.35, "TRUE" a boolean, "=…" a formula. Every
  string icx writes starts with an apostrophe, which Excel keeps as the cell's prefix character,
  not as text: the cell holds the string exactly. (Chosen over number format "@" before writing:
  "@" would stay on the cells and turn whatever a user types there later into text too.)
- **Values read back** are floats for numbers and datetimes for dates; on Windows a Currency or
  Accounting cell comes back as ``Decimal`` (pywin32's VT_CY): icx reads it as a float.
- **Sheet names** are compared ignoring case, as Excel does.
- **Protection**: a protected sheet refuses values in locked cells and any formatting. icx lifts a
  password-less protection while it writes and restores exactly the flags the sheet had. Windows
  speaks COM (``ProtectContents``, ``Protect(...)``), Excel for Mac AppleScript through appscript
  (``protect_contents``, ``protect_worksheet(...)``); each knows only its own names.
- **Round trips** are what costs in Excel: whole blocks of values in one call, cells to format in
  address batches, merged ranges read once per click from the saved file.
"""

from __future__ import annotations

import contextlib
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from icx.core.errors import IcxError, Problem
from icx.excel.port import PageLayout, Render, SheetPlan, plan_of, rgb
from icx.io.grid import Grid, fill_merged
from icx.io.scored_copy import HEADER_FILL

ADDRESS_BATCH = 200  # characters of "A1,B7,…" per Range call (Excel refuses addresses over 255)
TEXT_PREFIX = "'"  # Excel's prefix character: what follows is text, whatever it looks like
ON_MAC = sys.platform == "darwin"
Merges = list[tuple[tuple[int, int], tuple[int, int]]]


def as_excel_value(value: Any) -> Any:
    """What icx hands Excel for a value: a non-empty string with the text prefix, so Excel stores
    exactly that text; numbers, dates, booleans and blanks as they are."""
    if isinstance(value, str) and value:
        return TEXT_PREFIX + value
    return value


def from_excel_value(value: Any) -> Any:
    """A value as Excel hands it, as icx reads it: a Currency cell's ``Decimal`` (Windows) is a float."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def apple_keyword(name: str) -> Any:
    """An AppleScript enumerator (``k.landscape``) as appscript passes it to Excel for Mac."""
    from appscript import k

    return getattr(k, name)


def same_sheet_name(a: str, b: str) -> bool:
    """Excel's sheet names ignore case: "Problems" and "problems" are one sheet."""
    return a.lower() == b.lower()


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


def _compact(cells: Iterable[str]) -> list[str]:
    """Cells as column runs: "D2", "D3", …, "D3001" become "D2:D3001", so a whole wrapped or bold
    column is one address, not a batch of 40 cells per call."""
    by_column: dict[str, list[int]] = defaultdict(list)
    for ref in dict.fromkeys(cells):
        letters, row = coordinate_from_string(ref)
        by_column[letters].append(row)
    return [
        f"{letters}{a}" if a == b else f"{letters}{a}:{letters}{b}"
        for letters, rows in by_column.items()
        for a, b in _runs(sorted(rows))
    ]


def _runs(rows: Iterable[int]) -> Iterable[tuple[int, int]]:
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
    """Range.formula as rows: xlwings gives a string for one cell, rows of strings for more."""
    if isinstance(formula, str):
        return [[formula]]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in formula]


# --- sheet protection -------------------------------------------------------------------------
# What a protected sheet allows, by Excel's COM names, and the same flags as Excel for Mac's
# AppleScript dictionary names them (xlwings/mac_dict.py: the Protection class, protect_worksheet).
PROTECTION_FLAGS = {
    "AllowFormattingCells": "allow_formatting_cells",
    "AllowFormattingColumns": "allow_formatting_columns",
    "AllowFormattingRows": "allow_formatting_rows",
    "AllowInsertingColumns": "allow_inserting_columns",
    "AllowInsertingRows": "allow_inserting_rows",
    "AllowInsertingHyperlinks": "allow_inserting_hyperlinks",
    "AllowDeletingColumns": "allow_deleting_columns",
    "AllowDeletingRows": "allow_deleting_rows",
    "AllowSorting": "allow_sorting",
    "AllowFiltering": "allow_filtering",
    "AllowUsingPivotTables": "allow_using_pivot_table",
}


@dataclass(frozen=True)
class SheetProtection:
    """A sheet's protection as the template set it: restored exactly after icx writes."""

    drawing_objects: bool
    scenarios: bool
    allowed: dict[str, bool]  # COM flag name → allowed


class WindowsProtection:
    """Sheet protection through COM (pywin32)."""

    @staticmethod
    def read(api: Any) -> SheetProtection | None:
        if not api.ProtectContents:
            return None
        protection = api.Protection
        allowed = {flag: bool(getattr(protection, flag)) for flag in PROTECTION_FLAGS}
        return SheetProtection(bool(api.ProtectDrawingObjects), bool(api.ProtectScenarios), allowed)

    @staticmethod
    def lift(api: Any) -> None:
        api.Unprotect()

    @staticmethod
    def restore(api: Any, p: SheetProtection) -> None:
        api.Protect(DrawingObjects=p.drawing_objects, Contents=True, Scenarios=p.scenarios, **p.allowed)


class MacProtection:
    """Sheet protection through AppleScript (appscript), Excel for Mac's names."""

    @staticmethod
    def read(api: Any) -> SheetProtection | None:
        if not api.protect_contents.get():
            return None
        protection = api.protection_object
        allowed = {flag: bool(getattr(protection, name).get()) for flag, name in PROTECTION_FLAGS.items()}
        return SheetProtection(bool(api.protect_drawing_objects.get()), bool(api.protect_scenarios.get()), allowed)

    @staticmethod
    def lift(api: Any) -> None:
        api.unprotect()

    @staticmethod
    def restore(api: Any, p: SheetProtection) -> None:
        flags = {PROTECTION_FLAGS[flag]: value for flag, value in p.allowed.items()}
        api.protect_worksheet(
            drawing_objects=p.drawing_objects, worksheet_contents=True, scenarios=p.scenarios, **flags
        )


# --- the port -----------------------------------------------------------------------------------
class XlwingsPort:
    """A workbook port over an ``xlwings.Book``; ``mac`` says which Excel speaks (AppleScript or COM)."""

    def __init__(self, book: Any, mac: bool = ON_MAC):
        self.book = book
        self.mac = mac
        self._merges: dict[str, Merges] | None = None  # read once per click from the saved file

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

    def _sheet(self, name: str) -> Any | None:
        return next((sh for sh in self.book.sheets if same_sheet_name(sh.name, name)), None)

    # --- reading ------------------------------------------------------------------------------
    def read_sheet(self, sheet: str) -> Grid:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        values = sh.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        rows = [[from_excel_value(v) for v in row] for row in values]
        filled = fill_merged(rows, self._merged_ranges(sheet))
        return Grid(sheet, rows, filled)

    def _merged_ranges(self, sheet: str) -> Merges:
        """Merged ranges as the saved file has them (Excel lists them only cell by cell), so a
        merged area reads on every row it spans, as the command line reads it. The file is read
        once per port (one click), for every sheet."""
        if self._merges is None:
            self._merges = self._saved_merges()
        return self._merges.get(sheet, [])

    def _saved_merges(self) -> dict[str, Merges]:
        if self.path is None:
            return {}
        try:
            import python_calamine

            book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            try:
                return {name: list(book.get_sheet_by_name(name).merged_cell_ranges or []) for name in book.sheet_names}
            finally:
                book.close()
        except Exception:  # an unreadable or not-yet-saved file: no merges known, cells read as they are
            return {}

    def used_width(self, sheet: str) -> int:
        return int(self.book.sheets[sheet].used_range.last_cell.column)

    # --- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _unprotected(self, sh: Any) -> Iterator[None]:
        """Lift a password-less sheet protection (the templates lock their formula cells) while
        icx writes, then put back exactly what the sheet had. A password is refused with a message."""
        guard = MacProtection if self.mac else WindowsProtection
        api = sh.api
        protection = guard.read(api)
        if protection is not None:
            try:
                guard.lift(api)
            except Exception as exc:  # a password: icx never asks for one
                raise IcxError(
                    Problem.of("excel_sheet_protected", params={"sheet": sh.name}, file=self.name, sheet=sh.name)
                ) from exc
        try:
            yield
        finally:
            if protection is not None:
                guard.restore(api, protection)

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
        with self._unprotected(sh):
            if header is not None:
                cell = sh.range((header[0], col + 1))
                cell.value = as_excel_value(header[1])
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
                    block.value = [[as_excel_value(values[row])] for row in range(start, end + 1)]
                    if number_format:
                        block.number_format = number_format

    def put_sheet(self, title: str, render: Render) -> None:
        import openpyxl

        scratch = openpyxl.Workbook()
        rendered = render(scratch)
        existing = self._sheet(title)
        if existing is not None:
            existing.delete()
        if rendered is None:
            return
        self._apply(self.book.sheets.add(title, after=self.book.sheets[-1]), plan_of(rendered))

    def _each_batch(self, sh: Any, cells: Sequence[str], apply: Callable[[Any], None]) -> None:
        for batch in _batches(_compact(cells)):
            apply(sh.range(batch))

    def _apply(self, sh: Any, plan: SheetPlan) -> None:
        if plan.values:
            sh.range("A1").value = [[as_excel_value(v) for v in row] for row in plan.values]
        for fmt, cells in plan.number_formats.items():
            self._each_batch(sh, cells, lambda r: setattr(r, "number_format", fmt))
        for color, cells in plan.fills.items():
            self._each_batch(sh, cells, lambda r: setattr(r, "color", rgb(color)))
        self._each_batch(sh, plan.bold, lambda r: setattr(r.font, "bold", True))
        for size, cells in plan.font_sizes.items():
            self._each_batch(sh, cells, lambda r: setattr(r.font, "size", size))
        self._each_batch(sh, plan.wrap, lambda r: setattr(r, "wrap_text", True))
        for how, cells in plan.horizontal.items():
            self._each_batch(sh, cells, lambda r: setattr(r, "horizontal_alignment", how))
        for how, cells in plan.vertical.items():
            self._each_batch(sh, cells, lambda r: setattr(r, "vertical_alignment", how))
        for ref in plan.merged:
            sh.range(ref).merge()
        for letter, width in plan.widths.items():
            sh.range(f"{letter}1").column_width = width
        by_height: dict[float, list[int]] = defaultdict(list)
        for row, height in sorted(plan.heights.items()):
            by_height[height].append(row)
        for height, rows in by_height.items():
            self._each_batch(sh, [f"A{row}" for row in rows], lambda r: setattr(r, "row_height", height))
        if plan.freeze and plan.freeze != "A1":
            self._freeze(sh, plan.freeze)
        if plan.autofilter:
            self._filter(sh, plan.autofilter)
        if plan.page is not None:
            self._page(sh, plan.page)

    def _freeze(self, sh: Any, top_left: str) -> None:
        """Freeze the rows above and the columns left of ``top_left`` (it needs the sheet's window)."""
        letters, row = coordinate_from_string(top_left)
        rows, cols = row - 1, column_index_from_string(letters) - 1
        try:
            sh.activate()
            if self.mac:
                window = self.book.app.api.active_window
                window.freeze_panes.set(False)
                window.split_row.set(rows)
                window.split_column.set(cols)
                window.freeze_panes.set(True)
            else:
                window = self.book.app.api.ActiveWindow
                window.FreezePanes = False
                window.SplitColumn = cols
                window.SplitRow = rows
                window.FreezePanes = True
        except Exception:  # frozen headers are a convenience, never a reason to fail the macro
            pass

    def _filter(self, sh: Any, ref: str) -> None:
        """Turn on the sheet's filter buttons over ``ref`` (field 1 with no criteria: nothing hidden)."""
        try:
            target = sh.range(ref).api
            if self.mac:
                target.autofilter_range(field=1)
            else:
                target.AutoFilter(1)
        except Exception:  # a filter is a convenience, never a reason to fail the macro
            pass

    def _page(self, sh: Any, page: PageLayout) -> None:
        """Print settings: orientation, fit to pages wide/tall, title rows (A4 is Excel's paper in
        China already and is left as the user's Excel has it)."""
        if self.mac:
            setup = sh.api.page_setup_object
            setup.page_orientation.set(apple_keyword("landscape" if page.landscape else "portrait"))
            if page.fit_width is not None:
                setup.zoom.set(False)
                setup.fit_to_pages_wide.set(page.fit_width)
                setup.fit_to_pages_tall.set(page.fit_height or False)
            if page.title_rows:
                setup.print_title_rows.set(page.title_rows)
        else:
            setup = sh.api.PageSetup
            setup.Orientation = 2 if page.landscape else 1  # xlLandscape, xlPortrait
            if page.fit_width is not None:
                setup.Zoom = False
                setup.FitToPagesWide = page.fit_width
                setup.FitToPagesTall = page.fit_height or False  # False: as many pages as needed
            if page.title_rows:
                setup.PrintTitleRows = page.title_rows

    def highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        sh = self.book.sheets[sheet]
        with self._unprotected(sh):
            self._each_batch(sh, list(cells), lambda r: setattr(r, "color", rgb(color)))

    def clear_highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        """Clear the fill of the cells still carrying ``color``: a batch of cells is read at once
        (Excel answers one colour when they agree, xlwings fails when they differ) and cleared
        at once; a mixed batch is halved until its parts agree."""
        sh = self.book.sheets[sheet]
        target = rgb(color)
        with self._unprotected(sh):
            for batch in _batches(dict.fromkeys(cells)):
                self._clear_where(sh, batch.split(","), target)

    def _clear_where(self, sh: Any, refs: list[str], target: tuple[int, int, int]) -> None:
        rng = sh.range(",".join(refs))
        try:
            current, mixed = rng.color, False
        except Exception:  # the cells carry different fills (Excel answers Null for the range)
            current, mixed = None, True
        if mixed and len(refs) > 1:
            half = len(refs) // 2
            self._clear_where(sh, refs[:half], target)
            self._clear_where(sh, refs[half:], target)
        elif current is not None and tuple(current) == target:
            rng.color = None

    # --- talking to the user ------------------------------------------------------------------
    def ask_folder(self, prompt: str) -> str | None:
        """A folder picked in Excel's folder dialog; '' when cancelled, None where there is none
        (Excel for Mac has no folder picker through xlwings: the workbook's folder is used)."""
        if self.mac:
            return None
        dialog = self.book.app.api.FileDialog(4)  # msoFileDialogFolderPicker
        dialog.Title = prompt
        return str(dialog.SelectedItems(1)) if dialog.Show() == -1 else ""

    def tell(self, message: str) -> None:
        from icx import i18n

        self.book.app.alert(message, title=i18n.label("excel_title"))

    def status(self, message: str | None) -> None:
        self.book.app.status_bar = message if message else False  # False: Excel's own status again

    def open_file(self, path: Path) -> None:
        self.book.app.books.open(str(path))
