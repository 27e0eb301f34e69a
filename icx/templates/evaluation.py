"""The 自我评价 sheet: checklist rows with a result dropdown and a score formula.

Score = weight × the share of the result in 参数设置 表6 (符合 100%, 基本符合 50%, 不符合 0 by
default); 不适用 and blank results score nothing (left out of the denominator).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 3
WIDTHS = {
    "item_id": 8,
    "area": 10,
    "focus": 30,
    "criterion": 30,
    "method": 12,
    "effectiveness": 8,
    "weight": 7,
    "result": 10,
    "score": 7,
    "deficiency": 24,
    "grade": 8,
    "rectification": 24,
    "owner": 10,
    "owner_email": 20,
    "deadline": 11,
    "status": 9,
}
WRAP = {"focus", "criterion", "deficiency", "rectification", "method"}
LISTS = {
    "area": ("icx_areas", False),
    "effectiveness": ("icx_effectiveness", True),
    "result": ("icx_results", True),
    "grade": ("icx_grade", True),
    "status": ("icx_status", True),
}


def score_formula(weight: str, result: str) -> str:
    match = f"MATCH(TRIM({result}),icx_results,0)"
    share = f"INDEX(icx_result_factors,{match})"
    return (
        f'=IF(OR(TRIM({weight}&"")="",TRIM({result}&"")=""),"",'
        f'IF(ISNA({match}),NA(),IF(ISNUMBER({share}),{weight}*{share},"")))'
    )


def _columns(book: Book) -> list[Column]:
    specs = layout.columns("evaluation")
    letters = {s.key: get_column_letter(i + 1) for i, s in enumerate(specs)}
    cols = []
    for spec in specs:
        validation, fmt, formula = None, None, None
        if spec.key in LISTS:
            name, strict = LISTS[spec.key]
            validation = Validation("list", source=name, strict=strict)
        elif spec.key == "weight":
            validation = Validation("decimal", low=0)
        elif spec.key == "deadline":
            validation, fmt = Validation("date"), "yyyy-mm-dd"
        elif spec.key == "score":
            formula = lambda r: score_formula(f"{letters['weight']}{r}", f"{letters['result']}{r}")  # noqa: E731
            fmt = "0.00"
        cols.append(
            Column(
                spec.key,
                spec.header(book.lang),
                WIDTHS.get(spec.key, 12),
                formula=formula,
                validation=validation,
                number_format=fmt,
                wrap=spec.key in WRAP,
            )
        )
    return cols


def write_evaluation(
    book: Book, *, rows: int = 150, items: Iterable[dict[str, Any]] = ()
) -> tuple[Worksheet, TablePlacement]:
    ws = book.wb.create_sheet(book.sheet_name("evaluation"))
    cols = _columns(book)
    layout.title_rows(ws, book.label("tpl_title_evaluation"), book.label("tpl_note_evaluation"), len(cols))
    placement = layout.write_table(book, ws, cols, header_row=HEADER_ROW, rows=rows)
    layout.fill_rows(ws, placement, items)
    failed = book.choices("result")[2]  # 不符合
    result = placement.letters["result"]
    ws.conditional_formatting.add(
        placement.ref("result", absolute=False),
        FormulaRule(
            formula=[f'TRIM({result}{placement.first_row})="{failed}"'],
            fill=PatternFill(bgColor="FFC7CE", fill_type="solid"),
        ),
    )
    ws.auto_filter.ref = f"A{HEADER_ROW}:{placement.letters[cols[-1].key]}{placement.last_row}"
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"C{HEADER_ROW + 1}", lang=book.lang)
    layout.protect(ws)
    return ws, placement
