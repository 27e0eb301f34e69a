"""XlsxWriter plumbing of the committee summary: the workbook, its formats, tables, print setup.

Text is always written as text (a unit's "=HYPERLINK(...)" stays text), numbers as numbers,
dates as dates (``write_value``; a table's data rows are spooled by ``RowsWorkbook.write_rows``).
Each table gets a bold header, frozen panes, a filter and an A4-landscape, fit-to-width print
setup with the header row repeated on every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from icx.consolidate.xlsx_rows import RowsWorkbook
from icx.core.methodology import Methodology
from icx.core.problem_list import text_width
from icx.io.safety import page_header_title

A4 = 9
MAX_SHEET_NAME = 31


def new_workbook(path: str | Path) -> RowsWorkbook:
    """A workbook that never turns text into formulas, links or numbers; ``table`` spools its
    data rows straight to the sheet XML (``icx.consolidate.xlsx_rows``)."""
    return RowsWorkbook(
        path,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
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
    book: RowsWorkbook  # the workbook they belong to (``table`` spools into it)

    @classmethod
    def of(cls, wb: RowsWorkbook, m: Methodology) -> Styles:
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
    fit: bool = False,
) -> tuple[int, int]:
    """Header at ``top`` and the rows under it; returns (first data row, last data row).

    With no rows the filter still covers the header, so the sheet reads the same in every run.
    ``fit`` makes each row as tall as its wrapped text needs (messages are never cut).
    """
    for c, col in enumerate(columns):
        ws.write_string(top, c, col.header, styles.header)
        ws.set_column(c, c, col.width)
    formats = [getattr(styles, col.fmt) for col in columns]
    heights = None
    if fit:
        rows = [list(row) for row in rows]
        heights = [row_height(columns, row) for row in rows]
    last = max(styles.book.write_rows(ws, top + 1, rows, formats, heights), top)
    ws.autofilter(top, 0, last, len(columns) - 1)
    if freeze:
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
    return top + 1, last


LINE_HEIGHT = 15  # points per line of wrapped text


def row_height(columns: Sequence[Column], row: Sequence[Any]) -> float:
    """Points a row needs to show its wrapped texts whole (a Chinese character is two units wide)."""
    lines = 1
    for col, value in zip(columns, row):
        if col.fmt == "wrap" and isinstance(value, str):
            per_line = max(int(col.width) - 1, 1)
            lines = max(lines, sum(-(-text_width(part) // per_line) or 1 for part in value.split("\n")))
    return float(LINE_HEIGHT * lines)


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
