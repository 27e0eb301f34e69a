"""XlsxWriter plumbing of the committee summary: the workbook, its formats, tables, print setup.

Text is always written as text (a unit's "=HYPERLINK(...)" stays text), numbers as numbers,
dates as dates (``write_value``; a table's data rows are spooled by ``RowsWorkbook.write_rows``).
Each table gets a bold header, frozen panes, a filter and an A4-landscape, fit-to-width print
setup with the header row repeated on every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from icx.consolidate.xlsx_rows import RowsWorkbook
from icx.core.methodology import Methodology
from icx.io.print_layout import (
    CJK_FONT,
    DEFAULT_ROW,
    FONT_SIZE,
    LINE_HEIGHT,
    content_widths,
    group_breaks,
    lines_needed,
    print_scale,
    row_height,
    setup_xlsxwriter,
    within_min_scale,
)

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
        base = {"font_name": CJK_FONT, "font_size": FONT_SIZE, "valign": "top"}

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


SAMPLE_ROWS = 1000  # column widths are measured on a table's first rows (the rest wrap inside them)


def table(
    ws: Worksheet,
    styles: Styles,
    top: int,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    freeze: bool = True,
    group: int | None = None,
    top_used: float = 0.0,
) -> tuple[int, int]:
    """Header at ``top`` and the rows under it; returns (first data row, last data row).

    Printed by the rules of ``icx.io.print_layout``: each column as wide as its content (its
    ``Column.width`` the cap; measured on the first ``SAMPLE_ROWS`` rows), text wrapping inside
    it and every row as tall as its text needs, the header repeated on every page. ``group``:
    the column whose value (a unit's code) starts a new page rather than be split across two;
    ``top_used`` the points the rows above ``top`` take on the first page.
    With no rows the filter still covers the header, so the sheet reads the same in every run.
    """
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    headers = [col.header for col in columns]
    kinds = ["wrap" if col.fmt == "text" else col.fmt for col in columns]  # text wraps inside its cap
    wrapped = [kind == "wrap" for kind in kinds]
    widths = within_min_scale(content_widths(headers, sample, [col.width for col in columns]), wrapped)
    for c, (col, width) in enumerate(zip(columns, widths)):
        ws.write_string(top, c, col.header, styles.header)
        ws.set_column(c, c, width)
    header_height = LINE_HEIGHT * max(lines_needed(h, w) for h, w in zip(headers, widths))
    ws.set_row(top, max(header_height, DEFAULT_ROW))
    formats = [getattr(styles, kind) for kind in kinds]
    keys: list[Any] = []
    heights: list[float] = []

    def measured() -> Iterator[tuple[Sequence[Any], float]]:
        for row in chain(sample, rows):
            height = row_height(row, widths, wrapped)
            heights.append(height)
            if group is not None:
                keys.append(row[group])
            yield row, height

    last = max(styles.book.write_rows(ws, top + 1, measured(), formats, heights=True), top)
    ws.autofilter(top, 0, last, len(columns) - 1)
    if freeze:
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
    if group is not None and keys:
        breaks = group_breaks(
            keys,
            heights,
            first_row=top + 1,
            scale=print_scale(widths),
            header_height=header_height,
            top_used=top_used,
        )
        ws.set_h_pagebreaks(breaks[:MAX_PAGE_BREAKS])
    return top + 1, last


MAX_PAGE_BREAKS = 1023  # Excel's limit per sheet


def print_setup(ws: Worksheet, title: str, *, portrait: bool = False, lang: str = "zh") -> None:
    """A4, fit to one page wide, the title in the page header and 第x页 共y页 in the footer
    (``icx.io.print_layout``)."""
    setup_xlsxwriter(ws, title, portrait=portrait, lang=lang)


def sheet_title(text: str) -> str:
    """Excel's limits for sheet names: 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)
    return cleaned[:MAX_SHEET_NAME]
