"""The 风险控制矩阵 sheets: one per area, named ``风险控制矩阵-<short area>`` (``Control matrix-<area>``).

The risk level of each control is looked up from the register by the linked risk id (a formula),
so it follows the register when scores change. In the standalone control-matrix template, which
has no register, the level is chosen from a dropdown instead.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from icx.core.methodology import Coded
from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation
from icx.templates.settings import colour_levels_by_name

HEADER_ROW = 3


def sheet_name(book: Book, area: Coded) -> str:
    """风险控制矩阵-预算 / Control matrix-Budget (within Excel's 31 characters)."""
    prefix = book.sheet_name("control_matrix")
    suffix = (area.short_zh or area.name_zh) if book.lang == "zh" else (area.short_en or area.name_en)
    return f"{prefix}-{suffix}"[:31]


def _columns(book: Book, with_register: bool) -> list[Column]:
    h = lambda key: layout.header("control_matrix", key, book.lang)  # noqa: E731
    yes_no = Validation("list", source="icx_yes_no")
    if with_register:
        level = Column(
            "risk_level",
            h("risk_level"),
            8,
            formula=lambda r: f'=IF(TRIM(C{r}&"")="","",INDEX(icx_reg_level,MATCH(C{r},icx_reg_id,0)))',
        )
    else:
        level = Column("risk_level", h("risk_level"), 8, validation=Validation("list", source="icx_level_names"))
    return [
        Column("control_id", h("control_id"), 11),
        Column("process_step", h("process_step"), 14, wrap=True),
        Column("risk_id", h("risk_id"), 10),
        level,
        Column("objective", h("objective"), 22, wrap=True),
        Column("activity", h("activity"), 32, wrap=True),
        Column("nature", h("nature"), 10, validation=Validation("list", source="icx_nature")),
        Column("mode", h("mode"), 10, validation=Validation("list", source="icx_mode")),
        Column("frequency", h("frequency"), 10, validation=Validation("list", source="icx_frequency", strict=False)),
        Column("key_control", h("key_control"), 8, validation=yes_no),
        Column("prepare_post", h("prepare_post"), 12),
        Column("review_post", h("review_post"), 12),
        Column("approve_post", h("approve_post"), 12),
        Column("owner_department", h("owner_department"), 12),
        Column("evidence", h("evidence"), 20, wrap=True),
        Column("rule", h("rule"), 20, wrap=True),
        Column("test_method", h("test_method"), 20, wrap=True),
    ]


def write_control_matrix(
    book: Book, area: Coded, *, rows: int = 100, with_register: bool = True
) -> tuple[Worksheet, TablePlacement]:
    ws = book.wb.create_sheet(sheet_name(book, area))
    cols = _columns(book, with_register)
    area_name = area.name_zh if book.lang == "zh" else area.name_en
    note = book.label("tpl_note_controls" if with_register else "tpl_note_controls_alone")
    layout.title_rows(ws, book.label("tpl_title_controls", area=area_name), note, len(cols))
    placement = layout.write_table(book, ws, cols, header_row=HEADER_ROW, rows=rows)
    colour_levels_by_name(book, ws, placement.ref("risk_level", absolute=False))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{placement.letters[cols[-1].key]}{placement.last_row}"
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"B{HEADER_ROW + 1}", lang=book.lang)
    layout.protect(ws)
    return ws, placement
