"""The 不相容岗位 sheet: three tables side by side on one header row, one empty column apart.

Duty rules (the unit's additions, or default rules switched off by id with 是否启用 = 否) from
column A, then posts → duties, then persons → posts. Readers find each with
``icx.io.table.read_table(grid, table, window=(first_col, last_col))``; ``WINDOWS`` gives them.
The default rule library ships with icx and is not copied here.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 4  # row 3 names the three tables
TABLES = ("duty_rules", "post_duties", "person_posts")


def windows() -> dict[str, tuple[int, int]]:
    """0-based (first, last) column of each table on the sheet."""
    out, start = {}, 0
    for table in TABLES:
        width = len(layout.columns(table))
        out[table] = (start, start + width - 1)
        start += width + 1
    return out


WINDOWS = windows()
WIDTHS = {
    "rule_id": 10,
    "area": 10,
    "duty_a": 16,
    "duty_b": 16,
    "basis": 24,
    "enabled": 8,
    "post": 14,
    "duty": 18,
    "person": 10,
    "employee_id": 10,
    "date_from": 11,
    "date_to": 11,
    "acting": 8,
}


def _columns(book: Book, table: str) -> list[Column]:
    out = []
    for spec in layout.columns(table):
        validation, fmt = None, None
        if spec.key in ("enabled", "acting"):
            validation = Validation("list", source="icx_yes_no")
        elif spec.key == "area":
            validation = Validation("list", source="icx_areas", strict=False)
        elif spec.key.startswith("date_"):
            validation, fmt = Validation("date"), "yyyy-mm-dd"
        elif spec.key in ("duty", "duty_a", "duty_b"):
            # the duty vocabulary; another duty may be written (the alert warns: it meets no rule)
            validation = Validation(
                "list",
                source="icx_duties",
                warning=True,
                prompt=book.label("tpl_prompt_duty"),
                error=book.label("tpl_error_duty"),
            )
        out.append(
            Column(
                spec.key,
                spec.header(book.lang),
                WIDTHS.get(spec.key, 12),
                validation=validation,
                number_format=fmt,
                wrap=spec.key in ("basis",),
            )
        )
    return out


def write_duties(book: Book, *, rule_rows: int = 30, rows: int = 200) -> tuple[Worksheet, dict[str, TablePlacement]]:
    ws = book.wb.create_sheet(book.sheet_name("duties"))
    total = WINDOWS[TABLES[-1]][1] + 1
    layout.title_rows(ws, book.label("tpl_title_duties"), book.label("tpl_note_duties"), total)
    placements = {}
    for table, caption in zip(
        TABLES, ("tpl_caption_duty_rules", "tpl_caption_post_duties", "tpl_caption_person_posts")
    ):
        first_col = WINDOWS[table][0] + 1
        ws.cell(row=HEADER_ROW - 1, column=first_col, value=book.label(caption)).style = layout.SECTION
        n = rule_rows if table == "duty_rules" else rows
        placements[table] = layout.write_table(
            book, ws, _columns(book, table), header_row=HEADER_ROW, rows=n, first_col=first_col
        )
    for table in TABLES[:-1]:  # the empty columns between the tables
        gap = WINDOWS[table][1] + 2
        ws.column_dimensions[get_column_letter(gap)].width = 3
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"A{HEADER_ROW + 1}", lang=book.lang)
    layout.protect(ws, allow_rows=True)
    return ws, placements
