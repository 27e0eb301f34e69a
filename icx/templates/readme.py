"""The 说明 sheet: how to fill the workbook in (text from the catalogue)."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.templates import layout
from icx.templates.layout import Book


def write_readme(book: Book) -> Worksheet:
    ws = book.wb.create_sheet(book.sheet_name("readme"))
    ws.cell(row=1, column=1, value=book.label("tpl_title_readme")).style = layout.TITLE
    ws.row_dimensions[1].height = 28
    lines = i18n.section("templates")["readme"][book.lang]
    for i, line in enumerate(lines, start=3):
        cell = ws.cell(row=i, column=1, value=line)
        heading = bool(line) and i > 3 and not lines[i - 4] and len(line) < 24
        cell.style = layout.SECTION if heading else layout.NOTE
        if not heading and line:
            cell.font = Font(name=cell.font.name, size=10)
    ws.column_dimensions["A"].width = 120
    ws.sheet_view.showGridLines = False
    layout.page_setup(ws, title_rows_ref="1:1", lang=book.lang)
    layout.protect(ws)
    return ws
