"""How every sheet icx writes is printed: one set of rules for XlsxWriter and openpyxl sheets.

The rules (issue 18): A4, landscape unless asked, fit to the page WIDTH only (never squeezed to
one page tall: a long table runs over as many pages as it needs), the table's header rows
repeated on every page, the title in the page header and 第x页 共y页 in the footer; every text
in a CJK font; column widths from content with caps; rows as tall as their wrapped text, a CJK
character counted as two columns wide; long lists broken between units, never inside one when
the unit fits on a page.

The sizes here are estimates of what Excel, WPS and LibreOffice draw (a column of width ``w``
is ``7w + 5`` pixels at 96 dpi, as Excel sizes columns for its default font); the PDF tests in
``tests/print/`` hold LibreOffice's rendering to them (no overlapping words, no text under 7 pt).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from icx.io.safety import page_header_title

CJK_FONT = "Microsoft YaHei"  # on Windows/WPS; LibreOffice substitutes the installed CJK sans
FONT_SIZE = 10
MIN_PRINTED_PT = 7.0  # no text printed smaller: the width scale never goes below 0.7
SCALE_MARGIN = 1.08  # tables are planned for a zoom 8 % above that (LibreOffice zooms in steps)
LINE_HEIGHT = 15.0  # points per line of 10 pt text, with the gap between lines
DEFAULT_ROW = 15.0
FOOTER_ZH = "&C第&P页 共&N页"
FOOTER_EN = "&CPage &P of &N"
A4_XLSXWRITER = 9
A4_PT = (595.3, 841.9)  # portrait width, height
SIDE_MARGIN_IN, TOP_MARGIN_IN = 0.4, 0.6
PAGE_FILL = 0.9  # of the estimated page height a break plan uses (estimates are not exact)
MIN_WIDTH, TEXT_CAP = 6.0, 40.0
WIDE_CHAR, NARROW_CHAR = 2.0, 1.1  # column units a CJK character and any other character take
_WIDE_CHARS = re.compile("[\u2e80-\U0010ffff]+")


# --- sizes --------------------------------------------------------------------------------------
def text_width(text: str) -> float:
    """Display width in column units: a CJK character (U+2E80 and above) two, any other character
    a little over one (digits and Latin letters in a CJK font are wider than in the font column
    units are based on). Measured for every cell of a summary: the regex counts without a Python
    loop per character (4× faster on CJK text)."""
    if text.isascii():
        return len(text) * NARROW_CHAR
    narrow = len(_WIDE_CHARS.sub("", text))
    return (len(text) - narrow) * WIDE_CHAR + narrow * NARROW_CHAR


def lines_needed(text: str, width: float) -> int:
    """Lines a text wraps to in a column of ``width`` units (each paragraph on its own lines)."""
    per_line = max(width - 0.8, 1.0)
    return sum(max(1, -(-int(text_width(part) * 10) // int(per_line * 10))) for part in str(text).split("\n"))


def row_height(values: Sequence[Any], widths: Sequence[float], wrapped: Sequence[bool]) -> float:
    """Points a row needs to show its wrapped texts whole."""
    lines = 1
    for value, width, wrap in zip(values, widths, wrapped):
        if wrap and isinstance(value, str) and value:
            if len(value) * WIDE_CHAR <= width - 0.8 and "\n" not in value:
                continue  # one line even if every character were wide (most cells: no measuring)
            lines = max(lines, lines_needed(value, width))
    return LINE_HEIGHT * lines if lines > 1 else DEFAULT_ROW


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def content_widths(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    caps: Sequence[float],
    minimum: float = MIN_WIDTH,
) -> list[float]:
    """Each column as wide as its widest value (a header may wrap onto two lines), at least
    ``minimum`` and at most its cap; a longer text wraps inside the cap."""
    widest = [max(minimum, min(text_width(h) / 2 + 1.5, 12.0)) for h in headers]
    for row in rows:
        for c, value in enumerate(row[: len(widest)]):
            text = shown(value)
            if text:
                longest = max(text_width(part) for part in text.split("\n"))
                widest[c] = max(widest[c], longest + 1.5)
    return [round(min(w, cap), 1) for w, cap in zip(widest, caps)]


def within_min_scale(widths: Sequence[float], shrinkable: Sequence[bool], portrait: bool = False) -> list[float]:
    """``widths`` narrowed, widest shrinkable (wrapping) column first, until a page one table wide
    prints its text at ``MIN_PRINTED_PT`` or more (text then wraps onto more lines instead)."""
    out = list(widths)
    floor = 10.0
    while print_scale(out, portrait) < MIN_PRINTED_PT / FONT_SIZE * SCALE_MARGIN:
        candidates = [c for c, ok in enumerate(shrinkable) if ok and out[c] > floor]
        if not candidates:
            break
        widest = max(candidates, key=lambda c: out[c])
        out[widest] = max(floor, out[widest] - 1)
    return out


# Pixels (at 96 dpi) per unit of column width. Excel counts 7 for its default font (Calibri 11);
# LibreOffice without Calibri's metric twin measures the unit in DejaVu Sans, about 9 pixels
# (measured: the zoom it picks to fit a 177-unit table to an A4 landscape page is 0.63). Pages
# are planned for the wider of the two, so text is never smaller than planned anywhere.
PX_PER_UNIT = 9.0


def column_points(width: float) -> float:
    """A column's width in points where it prints widest (``PX_PER_UNIT``, 5 pixels of padding)."""
    return (width * PX_PER_UNIT + 5) * 0.75


def printable(portrait: bool = False) -> tuple[float, float]:
    """The printable width and height of an A4 page inside icx's margins, in points."""
    w, h = A4_PT if portrait else A4_PT[::-1]
    return w - 2 * SIDE_MARGIN_IN * 72, h - 2 * TOP_MARGIN_IN * 72


def print_scale(widths: Iterable[float], portrait: bool = False) -> float:
    """The zoom that fits columns of ``widths`` to one page wide (1.0 when they fit)."""
    total = sum(column_points(w) for w in widths)
    return min(1.0, printable(portrait)[0] / total) if total else 1.0


def group_breaks(
    keys: Sequence[Any],
    heights: Sequence[float],
    *,
    first_row: int,
    scale: float,
    header_height: float = 2 * LINE_HEIGHT,
    top_used: float = 0.0,
    portrait: bool = False,
) -> list[int]:
    """0-based rows to start a new page at, so that a group of rows with the same key (a unit)
    is not split across pages when it fits on one; a group longer than a page simply runs on.

    ``heights`` are the rows' heights in points from ``first_row`` down; ``top_used`` what the
    first page holds above them. Pages hold ``PAGE_FILL`` of the estimate, so a break planned
    here comes before the spreadsheet program's own.
    """
    page = printable(portrait)[1] / max(scale, 0.1) * PAGE_FILL - header_height
    breaks: list[int] = []
    used = top_used
    i = 0
    while i < len(keys):
        j = i
        block = 0.0
        while j < len(keys) and keys[j] == keys[i]:
            block += heights[j]
            j += 1
        if used + block > page and used > 0 and block <= page:
            breaks.append(first_row + i)
            used = 0.0
        used += block
        while used > page:  # a group longer than a page: the program breaks inside it
            used -= page
        i = j
    return breaks


def footer(lang: str = "zh") -> str:
    return FOOTER_ZH if lang == "zh" else FOOTER_EN


# --- XlsxWriter -----------------------------------------------------------------------------------
def setup_xlsxwriter(
    ws: Any, title: str, *, header_rows: tuple[int, int] | None = None, portrait: bool = False, lang: str = "zh"
) -> None:
    """Page set-up of an XlsxWriter sheet (rows 0-based)."""
    ws.set_paper(A4_XLSXWRITER)
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=TOP_MARGIN_IN, bottom=TOP_MARGIN_IN)
    ws.set_header(f'&C&"{CJK_FONT},Bold"&10{page_header_title(title)}')
    ws.set_footer(footer(lang).replace("&C", f'&C&"{CJK_FONT},Regular"&10'))
    if header_rows is not None:
        ws.repeat_rows(*header_rows)


def style_chart(
    chart: Any,
    title: str,
    *,
    x_axis: dict[str, Any] | None = None,
    y_axis: dict[str, Any] | None = None,
    legend: str | None = "bottom",
) -> None:
    """Title, axes and legend of an XlsxWriter chart, all in the CJK font (XlsxWriter's default
    is Calibri, which has no Chinese). ``x_axis``/``y_axis`` are XlsxWriter's axis options."""
    font = {"name": CJK_FONT, "size": FONT_SIZE}  # zoomed with the page: never under 7 pt
    chart.set_title({"name": title, "name_font": {"name": CJK_FONT, "size": 12, "bold": True}})
    chart.set_x_axis({**(x_axis or {}), "num_font": font, "name_font": font})
    chart.set_y_axis({**(y_axis or {}), "num_font": font, "name_font": font})
    chart.set_legend({"none": True} if legend is None else {"position": legend, "font": font})


# --- openpyxl -------------------------------------------------------------------------------------
def setup_openpyxl(
    ws: Any, title: str, *, header_rows: str | None = None, portrait: bool = False, lang: str = "zh"
) -> None:
    """Page set-up of an openpyxl sheet; ``header_rows`` like '1:1' (the rows repeated)."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins = PageMargins(
        left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=TOP_MARGIN_IN, bottom=TOP_MARGIN_IN, header=0.3, footer=0.3
    )
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddHeader.center.text = page_header_title(title)
    ws.oddHeader.center.font = f"{CJK_FONT},Bold"
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = footer(lang).removeprefix("&C")
    ws.oddFooter.center.font = f"{CJK_FONT},Regular"
    ws.oddFooter.center.size = 10


def cjk_fonts(ws: Any) -> None:
    """Every written cell of an openpyxl sheet in the CJK font (its size, weight, colour kept):
    openpyxl's default is Calibri, which has no Chinese, so titles fell back to a serif font."""
    from copy import copy

    cache: dict[int, Any] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or cell.font.name == CJK_FONT:
                continue
            key = cell._style.fontId  # the workbook's font table index: one new font per old one
            if key not in cache:
                font = copy(cell.font)
                font.name = CJK_FONT
                if font.sz is None or font.sz == 11:  # openpyxl's default size: the sheets' body size
                    font.sz = FONT_SIZE
                cache[key] = font
            cell.font = cache[key]


def fit_rows_openpyxl(ws: Any, first_row: int, last_row: int) -> None:
    """Each row from ``first_row`` to ``last_row`` as tall as its wrapped texts need (from the
    column widths); rows that fit one line keep the default height."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for r in range(first_row, last_row + 1):
        lines = 1
        for cell in ws[r]:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            c = cell.column
            if c not in widths:
                widths[c] = ws.column_dimensions[get_column_letter(c)].width or 8.43
            lines = max(lines, lines_needed(cell.value, widths[c]))
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines
        elif ws.row_dimensions[r].height and ws.row_dimensions[r].height > DEFAULT_ROW:
            ws.row_dimensions[r].height = None


def page_height(scale: float = 1.0, portrait: bool = False) -> float:
    """Points of sheet (before the zoom) one printed page holds, less ``PAGE_FILL``'s margin."""
    return printable(portrait)[1] / max(scale, 0.1) * PAGE_FILL


def break_before_chart(ws: Any, row: int, above: float, chart_height_px: float, scale: float = 1.0) -> None:
    """Start a new page at 0-based ``row`` (where an XlsxWriter chart is anchored) when the chart
    would not fit under the ``above`` points of rows before it: a chart is never cut in two."""
    page = page_height(scale)
    if above % page + chart_height_px * 0.75 > page:
        ws.set_h_pagebreaks([row])


def print_ready_openpyxl(ws: Any, title: str, lang: str = "zh", *, header_rows: str | None = None) -> None:
    """Page set-up and CJK fonts of a sheet icx added to an openpyxl workbook. Without
    ``header_rows`` the rows above a frozen pane repeat on every page (the table's header), unless
    the sheet already repeats rows of its own."""
    import re

    if header_rows is None and not ws.print_title_rows and ws.freeze_panes and ws.freeze_panes != "A1":
        row = int(re.sub(r"[A-Z]+", "", ws.freeze_panes)) - 1
        if row >= 1:
            header_rows = f"{row}:{row}"
    setup_openpyxl(ws, title, header_rows=header_rows, lang=lang)
    cjk_fonts(ws)


def fit_columns_openpyxl(ws: Any, header_row: int, caps: Sequence[float], first_col: int = 1) -> list[float]:
    """Column widths of the table whose header is at ``header_row`` from its content (the first
    ``1000`` rows), each at most its cap; returns them."""
    from openpyxl.utils import get_column_letter

    last_col = first_col + len(caps) - 1
    headers = [str(ws.cell(row=header_row, column=c).value or "") for c in range(first_col, last_col + 1)]
    rows = ws.iter_rows(
        min_row=header_row + 1,
        max_row=min(ws.max_row, header_row + 1000),
        min_col=first_col,
        max_col=last_col,
        values_only=True,
    )
    widths = within_min_scale(content_widths(headers, rows, caps), [True] * len(caps))
    for c, width in enumerate(widths, start=first_col):
        ws.column_dimensions[get_column_letter(c)].width = width
    lines = max([lines_needed(h, w) for h, w in zip(headers, widths) if h] or [1])
    ws.row_dimensions[header_row].height = max(DEFAULT_ROW, LINE_HEIGHT * lines)
    return widths


def one_line(text: str, width: float) -> str:
    """``text`` cut to the one line a column of ``width`` units shows, ending in '…' when cut
    (a briefing's fixed one-line rows; the full text is on the sheet the briefing points to)."""
    text = " ".join(str(text).split())
    room = max(width - 0.8, 1.0)
    if text_width(text) <= room:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) + 2.0 > room:
            break
        out += ch
    return out + "…"


def xlsxwriter_px(widths: Sequence[float] = (), heights: Sequence[float] = ()) -> tuple[int, int]:
    """Pixels XlsxWriter (and Excel) give columns of ``widths`` and rows of ``heights`` points: a
    chart sized to them is anchored exactly on those cells, so every program draws it there."""
    w = sum(int(c * 12 + 0.5) if c < 1 else int(c * 7 + 0.5) + 5 for c in widths)
    h = sum(int(4 / 3 * r) for r in heights)
    return w, h
