"""Any openpyxl sheet printed legibly: the template's sheets (``icx templates build``) and the
unit's own sheets in a copy icx writes (``icx score``), whatever their column widths.

The rule (issue 18), with the measures of ``icx.io.print_layout``:

- a sheet whose printed columns fit one A4-landscape page at a legible zoom (its smallest text
  printed at ``MIN_PRINTED_PT`` or more, ``SCALE_MARGIN`` to spare) is fitted to the page width
  (never to one page tall);
- a wider sheet prints at that fixed zoom and flows onto further pages across: its identifying
  columns (those frozen on screen) repeat on every page, and the pages run across first
  (``overThenDown``), so the pages of one block of rows follow one another;
- every row is at least as tall as its wrapped texts need (estimated from the column widths, a
  CJK character two units wide): LibreOffice draws a row without a height at the default 15 pt,
  whatever it holds, and a wrapped text then runs over the rows below (measured with 7.4).
  Rows are never made lower than they are.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.worksheet.pagebreak import Break, ColBreak

from icx.io.print_layout import (
    DEFAULT_ROW,
    FONT_SIZE,
    LINE_HEIGHT,
    MIN_PRINTED_PT,
    SCALE_MARGIN,
    column_points,
    lines_needed,
    printable,
)

DEFAULT_WIDTH = 8.43  # a column without a width of its own (Excel's default for an 11 pt font)
DEFAULT_FONT = 11.0  # a cell without a font size of its own (openpyxl's and Excel's default)
PAGE_ORDER = "overThenDown"
TITLE_SHARE = 1 / 3  # of a page across, at most, for the repeated identifying columns


# --- what prints --------------------------------------------------------------------------------------
def printed_columns(ws: Any) -> dict[int, float]:
    """Column index → width of every column the sheet prints: those of its print area (or its used
    range), hidden ones left out."""
    widths: dict[int, float] = {}
    hidden: set[int] = set()
    default = ws.sheet_format.defaultColWidth or DEFAULT_WIDTH
    for key, dim in ws.column_dimensions.items():
        low = dim.min or column_index_from_string(key)
        high = dim.max or low
        for c in range(low, high + 1):
            if dim.hidden:
                hidden.add(c)
            elif dim.width:
                widths[c] = float(dim.width)
    first, last = _column_span(ws)
    return {c: widths.get(c, default) for c in range(first, last + 1) if c not in hidden}


def _column_span(ws: Any) -> tuple[int, int]:
    if ws.print_area:
        spans = [range_boundaries(part.split("!")[-1].replace("$", "")) for part in ws.print_area.split(",")]
        return min(s[0] for s in spans), max(s[2] for s in spans)
    return 1, max(ws.max_column, 1)


def smallest_font(ws: Any, columns: dict[int, float]) -> float:
    """The smallest font size (pt) of a printed cell holding something."""
    sizes = [
        float(cell.font.sz or DEFAULT_FONT)
        for row in ws.iter_rows(min_col=min(columns), max_col=max(columns))
        for cell in row
        if cell.column in columns and cell.value is not None and cell.value != ""
    ]
    return min(sizes, default=float(FONT_SIZE))


def legible_zoom(smallest: float) -> float:
    """The least zoom that prints text of ``smallest`` pt at ``MIN_PRINTED_PT`` or more."""
    return min(1.0, MIN_PRINTED_PT / smallest * SCALE_MARGIN)


def planned_zoom(ws: Any, columns: dict[int, float]) -> float:
    """The zoom the sheet's own print settings give (estimated as ``print_layout`` does)."""
    setup = ws.page_setup
    portrait = setup.orientation != "landscape"  # a sheet without an orientation prints portrait
    fitted = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    if not fitted:
        return (setup.scale or 100) / 100
    width, height = printable(portrait)
    zoom = 1.0
    wide = 1 if setup.fitToWidth is None else int(setup.fitToWidth)
    tall = 1 if setup.fitToHeight is None else int(setup.fitToHeight)
    if wide:
        zoom = min(zoom, wide * width / max(sum(column_points(w) for w in columns.values()), 1.0))
    if tall:
        rows = sum(_height(ws, r) for r in range(1, ws.max_row + 1))
        zoom = min(zoom, tall * height / max(rows, 1.0))
    return zoom


def title_columns(ws: Any, columns: dict[int, float], zoom: float) -> str | None:
    """The columns repeated on every page across: those frozen on screen (the identifying ones),
    or only the first of them when together they would take more than ``TITLE_SHARE`` of a page
    (and always leaving room for the widest other column)."""
    if ws.print_title_cols:
        return ws.print_title_cols
    if not ws.freeze_panes:
        return None
    frozen = column_index_from_string(coordinate_from_string(ws.freeze_panes)[0]) - 1
    if frozen < 1:
        return None
    page = printable()[0] / zoom
    for last in dict.fromkeys((frozen, 1)):
        own = sum(column_points(w) for c, w in columns.items() if c <= last)
        widest = max((column_points(w) for c, w in columns.items() if c > last), default=0.0)
        if own and own <= page * TITLE_SHARE and own + widest <= page:
            return f"A:{get_column_letter(last)}"
    return None


# --- the rule -----------------------------------------------------------------------------------------
def print_legibly(ws: Any, *, keep_legible: bool = False) -> None:
    """Set how ``ws`` prints by the rule above (its column widths already set). With
    ``keep_legible`` a sheet whose own settings already print it legibly keeps them (a unit's
    sheet in a copy); its rows are made tall enough either way."""
    columns = printed_columns(ws)
    if not columns:
        return
    zoom = legible_zoom(smallest_font(ws, columns))
    if not (keep_legible and planned_zoom(ws, columns) >= zoom):
        _set_zoom(ws, columns, zoom)
    fit_wrapped_rows(ws, columns)


def _set_zoom(ws: Any, columns: dict[int, float], zoom: float) -> None:
    """Fit to the page width when the columns fit it at ``zoom``; else print at ``zoom`` over
    pages across, identifying columns repeated, breaks between groups and side tables."""
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    if sum(column_points(w) for w in columns.values()) * zoom <= printable()[0]:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight, setup.scale = 1, 0, None
        return
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    setup.fitToWidth = setup.fitToHeight = None
    setup.scale = math.ceil(zoom * 100)
    setup.pageOrder = PAGE_ORDER
    repeated = title_columns(ws, columns, setup.scale / 100)
    if repeated:
        ws.print_title_cols = repeated
    frozen = column_index_from_string(repeated.split(":")[-1].replace("$", "")) if repeated else 0
    last_columns = page_columns(columns, setup.scale / 100, frozen, _merged_spans(ws), _gaps(ws, columns))
    ws.col_breaks = ColBreak(brk=[Break(id=c) for c in last_columns[:-1]])
    narrow_titles(ws, last_columns[0])


def page_columns(
    columns: dict[int, float],
    zoom: float,
    frozen: int = 0,
    merged: list[tuple[int, int]] | None = None,
    gaps: set[int] | None = None,
) -> list[int]:
    """The last column of each page across, columns ``1..frozen`` repeated on every page. Each
    page is as full as ``zoom`` lets it be, but ends, when it can, at the last gap (a column with
    no header: the space between tables side by side) and never inside a merged range (a
    group's heading)."""
    room = printable()[0] / zoom - sum(column_points(w) for c, w in columns.items() if c <= frozen)
    ends: list[int] = []
    first, used = 0, 0.0
    for c in sorted(c for c in columns if c > frozen):
        width = column_points(columns[c])
        if first and used + width > room:
            start = max((g + 1 for g in gaps or () if first < g < c), default=c)
            for low, high in sorted(merged or [], reverse=True):
                if low < start <= high and low > first:
                    start = low
            ends.append(max(k for k in columns if k < start))
            first, used = start, sum(column_points(w) for k, w in columns.items() if start <= k < c)
        first = first or c
        used += width
    return [*ends, max(columns)]


def _gaps(ws: Any, columns: dict[int, float]) -> set[int]:
    """Printed columns with nothing in the table's header row (the last row repeated on every page)."""
    if not ws.print_title_rows:
        return set()
    header = int(ws.print_title_rows.split(":")[-1].replace("$", ""))
    cells = {c: ws._cells.get((header, c)) for c in columns}  # reading must not add cells to the sheet
    return {c for c, cell in cells.items() if cell is None or cell.value in (None, "")}


def _merged_spans(ws: Any) -> list[tuple[int, int]]:
    """Column spans of the merged ranges a page should not cut (a title row's are narrowed)."""
    top = _first_title_row(ws)
    return [(r.min_col, r.max_col) for r in ws.merged_cells.ranges if r.max_col > r.min_col and r.min_row >= top]


def _first_title_row(ws: Any) -> int:
    """The first of the rows repeated on every page (1 when none are)."""
    if not ws.print_title_rows:
        return 1
    return int(ws.print_title_rows.split(":")[0].replace("$", ""))


def narrow_titles(ws: Any, last_column: int) -> None:
    """A title or note merged across the whole table, above its repeated header, is narrowed to
    the first page's columns: its text then wraps where it is printed (LibreOffice cuts a merged
    cell's text at the page's edge, and draws what is cut over the next page's cells)."""
    top = _first_title_row(ws)
    for rng in list(ws.merged_cells.ranges):
        if rng.max_row < top and rng.min_col <= last_column < rng.max_col:
            bounds = (rng.min_row, rng.min_col, rng.max_row, last_column)
            ws.unmerge_cells(str(rng))
            if last_column > rng.min_col:
                ws.merge_cells(start_row=bounds[0], start_column=bounds[1], end_row=bounds[2], end_column=bounds[3])


def fit_wrapped_rows(ws: Any, columns: dict[int, float]) -> None:
    """Every row at least as tall as the wrapped texts of its printed cells need (a merged cell
    spread over the columns and rows it covers); never lower than it is."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        width = sum(columns.get(c, 0.0) for c in range(rng.min_col, rng.max_col + 1))
        merged[(rng.min_row, rng.min_col)] = (width, rng.max_row)
    needed: dict[int, float] = {}
    for row in ws.iter_rows(min_col=min(columns), max_col=max(columns)):
        for cell in row:
            text = cell.value
            if not isinstance(text, str) or not text or text.startswith("=") or not cell.alignment.wrap_text:
                continue
            width, last = merged.get((cell.row, cell.column), (columns.get(cell.column, 0.0), cell.row))
            if not width:
                continue
            size = float(cell.font.sz or DEFAULT_FONT)
            lines = lines_needed(text, width * FONT_SIZE / size)
            if lines < 2:
                continue
            above = sum(_height(ws, r) for r in range(cell.row, last))
            needed[last] = max(needed.get(last, 0.0), LINE_HEIGHT * size / FONT_SIZE * lines - above)
    for r, height in needed.items():
        if height > _height(ws, r):
            ws.row_dimensions[r].height = math.ceil(height)


def _height(ws: Any, row: int) -> float:
    dim = ws.row_dimensions.get(row)  # .get: reading a height must not add a row to the sheet
    return float(dim.height) if dim is not None and dim.height else DEFAULT_ROW
