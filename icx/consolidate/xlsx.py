"""XlsxWriter plumbing shared by the committee summary and the feedback workbooks.

Text is always written with ``write_string`` (a unit's "=HYPERLINK(...)" stays text), numbers
with ``write_number``, dates as dates. Each table gets a bold header, frozen panes, a filter and
an A4-landscape, fit-to-width print setup with the header row repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from icx.consolidate.xlsx_rows import RowsWorkbook
from icx.core.methodology import Methodology
from icx.io.safety import page_header_title, writable_text

A4 = 9
MAX_SHEET_NAME = 31


def new_workbook(path: str | Path, *, big: bool = False) -> RowsWorkbook:
    """A workbook that never turns text into formulas, links or numbers; ``table`` spools its
    data rows straight to the sheet XML (``icx.consolidate.xlsx_rows``).

    ``big`` streams XlsxWriter's own rows to disk as they are written (constant memory);
    otherwise XlsxWriter assembles its parts in memory, sparing a temp file per part.
    """
    return RowsWorkbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": big,
            "in_memory": not big,
            "default_date_format": "yyyy-mm-dd",
        },
    )


@dataclass
class Styles:
    """The formats used on every sheet, made once per workbook."""

    title: Format
    header: Format
    text: Format
    wrap: Format
    integer: Format
    decimal: Format
    percent1: Format
    date: Format
    label: Format
    note: Format
    levels: dict[int, Format]  # fill colour of each risk level (methodology colours)
    level_text: dict[int, Format]  # same fill, for cells holding the level's name
    bad: Format
    muted: Format
    book: xlsxwriter.Workbook | None = None  # the workbook they belong to (``table`` spools into it)

    @classmethod
    def of(cls, wb: xlsxwriter.Workbook, m: Methodology) -> Styles:
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}

        def fmt(**kw: Any) -> Format:
            return wb.add_format({**base, **kw})

        return cls(
            title=fmt(bold=True, font_size=14, valign="vcenter"),
            header=fmt(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, valign="vcenter"),
            text=fmt(),
            wrap=fmt(text_wrap=True),
            integer=fmt(num_format="0"),
            decimal=fmt(num_format="0.00"),
            percent1=fmt(num_format="0.0"),
            date=fmt(num_format="yyyy-mm-dd", align="left"),
            label=fmt(bold=True),
            note=fmt(italic=True, font_color="#595959", text_wrap=True),
            levels={
                lv.level: fmt(bg_color=f"#{lv.color}", border=1, align="center", valign="vcenter", bold=True)
                for lv in m.risk_levels
            },
            level_text={lv.level: wb.add_format({"bg_color": f"#{lv.color}"}) for lv in m.risk_levels},
            bad=wb.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"}),
            muted=fmt(font_color="#808080"),
            book=wb,
        )


# The cell writers behind XlsxWriter's public ``write_string``/``write_number``/``write_blank``,
# which only add A1-notation argument parsing: a summary of thousands of units writes millions
# of cells, and that parsing was a quarter of the time. Same signatures; public ones as fallback.
_STRING = getattr(Worksheet, "_write_string", Worksheet.write_string)
_NUMBER = getattr(Worksheet, "_write_number", Worksheet.write_number)
_BLANK = getattr(Worksheet, "_write_blank", Worksheet.write_blank)


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """Write one value by its type; strings never become formulas."""
    kind = value.__class__
    if kind is str:
        _STRING(ws, row, col, writable_text(value), fmt)
    elif kind is int or kind is float:
        if value != value:  # NaN
            _BLANK(ws, row, col, None, fmt)
        else:
            _NUMBER(ws, row, col, value, fmt)
    elif value is None:
        _BLANK(ws, row, col, None, fmt)
    elif isinstance(value, bool):
        _STRING(ws, row, col, "TRUE" if value else "FALSE", fmt)
    elif isinstance(value, Real):  # numpy numbers and the like
        if math.isnan(value):
            _BLANK(ws, row, col, None, fmt)
        else:
            _NUMBER(ws, row, col, value, fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(
            row, col, value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time()), fmt
        )
    else:
        _STRING(ws, row, col, str(value), fmt)


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    fmt: str = "text"  # attribute of Styles used for the data cells


def table(
    ws: Worksheet,
    styles: Styles,
    top: int,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    freeze: bool = True,
    count: int | None = None,
) -> tuple[int, int]:
    """Header at ``top`` and the rows under it; returns (first data row, last data row).

    ``count``, the number of rows when it is known in advance, lets a large table be rendered
    by a forked process while the caller writes the next sheets (``RowsWorkbook.write_rows_apart``).
    With no rows the filter still covers the header, so the sheet reads the same in every run.
    """
    for c, col in enumerate(columns):
        ws.write_string(top, c, col.header, styles.header)
        ws.set_column(c, c, col.width)
    formats = [getattr(styles, col.fmt) for col in columns]
    if isinstance(styles.book, RowsWorkbook) and count is not None:
        last = max(styles.book.write_rows_apart(ws, top + 1, rows, count, formats), top)
    elif isinstance(styles.book, RowsWorkbook):
        last = max(styles.book.write_rows(ws, top + 1, rows, formats), top)
    else:
        r = top
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row):
                put(ws, r, c, value, formats[c])
        last = max(r, top)
    ws.autofilter(top, 0, last, len(columns) - 1)
    if freeze:
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
    return top + 1, last


def print_setup(ws: Worksheet, title: str, *, portrait: bool = False) -> None:
    """A4, fit to one page wide, page header with the title and 'page n of m' in the footer."""
    ws.set_paper(A4)
    if not portrait:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f'&C&"Microsoft YaHei,Bold"{page_header_title(title)}')
    ws.set_footer("&C&P / &N")


def sheet_title(text: str) -> str:
    """Excel's limits for sheet names: 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)
    return cleaned[:MAX_SHEET_NAME]
