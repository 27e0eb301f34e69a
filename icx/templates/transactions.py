"""The optional 支出审批记录 sheet: who applied, approved, paid and booked each payment."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 3
WIDTHS = {
    "voucher": 14,
    "applicant": 12,
    "approver": 12,
    "payer": 12,
    "bookkeeper": 12,
    "amount": 14,
    "date": 12,
    "payee": 20,
}
WRAPPED = ("payee",)  # a company's name runs longer than a column: wrapped, never cut in print


def write_transactions(book: Book, *, rows: int = 300) -> tuple[Worksheet, TablePlacement]:
    ws = book.wb.create_sheet(book.sheet_name("transaction_log"))
    cols = []
    for spec in layout.columns("transaction_log"):
        validation, fmt = None, None
        if spec.key == "amount":
            validation, fmt = Validation("decimal", low=0), "#,##0.00"
        elif spec.key == "date":
            validation, fmt = Validation("date"), "yyyy-mm-dd"
        cols.append(
            Column(
                spec.key,
                spec.header(book.lang),
                WIDTHS.get(spec.key, 12),
                wrap=spec.key in WRAPPED,
                validation=validation,
                number_format=fmt,
            )
        )
    layout.title_rows(ws, book.label("tpl_title_transactions"), book.label("tpl_note_transactions"), len(cols))
    placement = layout.write_table(book, ws, cols, header_row=HEADER_ROW, rows=rows)
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"A{HEADER_ROW + 1}", lang=book.lang)
    layout.protect(ws, allow_rows=True)
    return ws, placement
