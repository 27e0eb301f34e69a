"""The small workbook port the ribbon macros are written against.

A macro reads sheets as value grids and writes through this interface only: a column of cells,
a whole sheet (added or replaced), highlights, a message to the user. Two adapters implement it:
``port_xlwings.XlwingsPort`` over the workbook open in Excel, and ``port_openpyxl.OpenpyxlPort``
over an openpyxl workbook (headless: the CLI's way of writing, and the tests).

Whole sheets are rendered by the same openpyxl writers the CLI uses (``icx.io.scored_copy``,
``icx.io.findings_sheets``): the openpyxl adapter lets them write into its workbook directly;
the xlwings adapter renders into a scratch workbook and copies the result into Excel following
a ``SheetPlan`` (values in one block, then number formats, fills, fonts, wrapping, merged
ranges, column widths and row heights, frozen panes, the filter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.io.grid import Grid, WorkbookGrid

# Render a sheet into an openpyxl workbook and return it (None: the sheet should not exist).
Render = Callable[[openpyxl.Workbook], Worksheet | None]


@runtime_checkable
class WorkbookPort(Protocol):
    """What a macro may do with a workbook."""

    @property
    def name(self) -> str:
        """The file name (how problems name the file)."""

    @property
    def path(self) -> Path | None:
        """Where the workbook is saved, or None for a workbook never saved."""

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, sheet: str) -> Grid:
        """A sheet's values from A1, as a grid (cached formula results, not formulas)."""

    def used_width(self, sheet: str) -> int:
        """How many columns the sheet uses (new columns go after them)."""

    def write_column(
        self,
        sheet: str,
        col: int,
        values: Mapping[int, Any],
        *,
        header: tuple[int, str] | None = None,
        number_format: str | None = None,
    ) -> None:
        """Write ``values`` (sheet row → value) into 0-based column ``col``; cells holding a formula
        keep it. ``header`` (row, text) writes a header cell in the header style."""

    def put_sheet(self, title: str, render: Render) -> None:
        """Add or replace the sheet ``title`` with what ``render`` writes (removed if it returns None)."""

    def highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        """Fill cells ('H17') with a colour (hex 'RRGGBB')."""

    def clear_highlight(self, sheet: str, cells: Iterable[str], color: str) -> None:
        """Remove the fill from those cells that still carry ``color`` (a user's own colours stay)."""

    def tell(self, message: str) -> None:
        """Show the user a message (a message box in Excel)."""

    def status(self, message: str | None) -> None:
        """Show a line in Excel's status bar while a macro works; None gives the bar back to Excel."""

    def open_file(self, path: Path) -> None:
        """Show a file the macro wrote (opened in Excel)."""


def write_table(
    port: WorkbookPort,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> None:
    """A plain table on its own sheet (bold header, frozen, filtered), added or replaced."""
    from icx.io.scored_copy import replace_sheet, write_rows

    def render(wb: openpyxl.Workbook) -> Worksheet:
        ws = replace_sheet(wb, title)
        write_rows(ws, header, rows, widths)
        return ws

    port.put_sheet(title, render)


def read_book(port: WorkbookPort) -> WorkbookGrid:
    """Every sheet of the port as grids: what ``icx.io.grid.load_grid`` gives for a file."""
    sheets = {name: port.read_sheet(name) for name in port.sheet_names()}
    return WorkbookGrid(port.path or Path(port.name), sheets)


def file_label(port: WorkbookPort) -> str:
    """How problems name the workbook: its path when saved, else its name."""
    return str(port.path) if port.path else port.name


# --- copying a rendered sheet into Excel -------------------------------------------------------
@dataclass
class SheetPlan:
    """What the xlwings adapter writes to reproduce an openpyxl sheet in Excel."""

    values: list[list[Any]]  # from A1, rectangular
    fills: dict[str, list[str]] = field(default_factory=dict)  # colour → cells
    bold: list[str] = field(default_factory=list)
    font_sizes: dict[float, list[str]] = field(default_factory=dict)  # size → cells (other than 11)
    wrap: list[str] = field(default_factory=list)  # cells whose text wraps
    horizontal: dict[str, list[str]] = field(default_factory=dict)  # xlwings alignment name → cells
    vertical: dict[str, list[str]] = field(default_factory=dict)
    number_formats: dict[str, list[str]] = field(default_factory=dict)  # format → cells
    merged: list[str] = field(default_factory=list)  # "A1:C1"
    widths: dict[str, float] = field(default_factory=dict)  # column letter → width
    heights: dict[int, float] = field(default_factory=dict)  # row → height in points
    freeze: str | None = None  # top-left cell of the scrolling pane
    autofilter: str | None = None
    page: PageLayout | None = None  # how it prints, when the writer set it


@dataclass(frozen=True)
class PageLayout:
    """Print settings icx's writers use: orientation, pages wide/tall (0 = as many as needed),
    rows repeated on every page ("$1:$4")."""

    landscape: bool
    fit_width: int | None  # None: print at 100 %
    fit_height: int | None
    title_rows: str | None


DEFAULT_FONT_SIZE = 11
# openpyxl's alignment names → xlwings' (Range.horizontal_alignment / vertical_alignment)
HORIZONTAL = {
    "left": "left",
    "center": "center",
    "right": "right",
    "fill": "fill",
    "justify": "justify",
    "centerContinuous": "center_across_selection",
    "distributed": "distributed",
}
VERTICAL = {"top": "top", "center": "center", "justify": "justify", "distributed": "distributed"}


def page_layout(ws: Worksheet) -> PageLayout | None:
    setup = ws.page_setup
    fit = bool(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage)
    if setup.orientation is None and not fit and not ws.print_title_rows:
        return None
    return PageLayout(
        landscape=setup.orientation == "landscape",
        fit_width=int(setup.fitToWidth if setup.fitToWidth is not None else 1) if fit else None,
        fit_height=int(setup.fitToHeight if setup.fitToHeight is not None else 1) if fit else None,
        title_rows=ws.print_title_rows or None,
    )


def plan_of(ws: Worksheet) -> SheetPlan:
    """The plan for one rendered sheet (values plus the formatting icx's writers use)."""
    values: list[list[Any]] = []
    plan = SheetPlan(values)
    fills: dict[str, list[str]] = defaultdict(list)
    formats: dict[str, list[str]] = defaultdict(list)
    sizes: dict[float, list[str]] = defaultdict(list)
    horizontal: dict[str, list[str]] = defaultdict(list)
    vertical: dict[str, list[str]] = defaultdict(list)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=1, max_col=ws.max_column):
        values.append([cell.value for cell in row])
        for cell in row:
            fill = cell.fill
            if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                fills[fill.fgColor.rgb[-6:].upper()].append(cell.coordinate)
            if cell.font is not None and cell.font.b:
                plan.bold.append(cell.coordinate)
            if cell.font is not None and cell.font.sz and float(cell.font.sz) != DEFAULT_FONT_SIZE:
                sizes[float(cell.font.sz)].append(cell.coordinate)
            if cell.alignment is not None:
                if cell.alignment.wrap_text:
                    plan.wrap.append(cell.coordinate)
                if cell.alignment.horizontal in HORIZONTAL:
                    horizontal[HORIZONTAL[cell.alignment.horizontal]].append(cell.coordinate)
                if cell.alignment.vertical in VERTICAL:
                    vertical[VERTICAL[cell.alignment.vertical]].append(cell.coordinate)
            if cell.number_format and cell.number_format != "General":
                formats[cell.number_format].append(cell.coordinate)
    plan.fills, plan.number_formats, plan.font_sizes = dict(fills), dict(formats), dict(sizes)
    plan.horizontal, plan.vertical = dict(horizontal), dict(vertical)
    plan.merged = sorted(str(r) for r in ws.merged_cells.ranges)
    plan.widths = {letter: dim.width for letter, dim in ws.column_dimensions.items() if dim.width}
    plan.heights = {int(row): dim.height for row, dim in ws.row_dimensions.items() if dim.height}
    plan.freeze = ws.freeze_panes
    plan.autofilter = ws.auto_filter.ref or None
    plan.page = page_layout(ws)
    return plan


def rgb(color: str) -> tuple[int, int, int]:
    """'FFC7CE' → (255, 199, 206)."""
    color = color[-6:]
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def column_letter(col: int) -> str:
    return get_column_letter(col + 1)
