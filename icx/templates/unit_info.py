"""The 单位信息 sheet: labels in column A, values in column B (readers match the labels)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.layout import Book

FIRST_ROW = 3
HINTS = {"period": "tpl_hint_period", "contact": "tpl_hint_contact", "fill_date": "tpl_hint_fill_date"}
DATE_FIELDS = {"fill_date"}


def write_unit_info(book: Book) -> tuple[Worksheet, dict[str, str]]:
    """The sheet and the value cell of each field ('unit_name' → 'B3')."""
    ws = book.wb.create_sheet(book.sheet_name("unit_info"))
    layout.title_rows(ws, book.label("tpl_title_unit_info"), book.label("tpl_note_unit_info"), 3)
    cells = {}
    for i, spec in enumerate(layout.columns("unit_info")):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=spec.header(book.lang)).style = layout.HEADER
        value = ws.cell(row=r, column=2)
        value.style = layout.INPUT
        value.number_format = "yyyy-mm-dd" if spec.key in DATE_FIELDS else "@"  # codes such as 001 stay text
        if spec.key in HINTS:
            ws.cell(row=r, column=3, value=book.label(HINTS[spec.key])).style = layout.NOTE
        cells[spec.key] = f"B{r}"
        ws.row_dimensions[r].height = 20
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 30
    layout.page_setup(ws, title_rows_ref="1:1", lang=book.lang)
    layout.protect(ws)
    return ws, cells
