"""The 基础性评价结果 sheet: a unit's scorecard with every deduction listed, written into any openpyxl
Workbook (``icx check basic-evaluation``, the ribbon button).

Sections, top to bottom, in the order the MOF report asks for them: the scores by level, the
total and the converted score with its working; the score of each indicator; every deduction
(indicator, sub-item, criterion, points deducted, reason, where the answer came from); the
criteria answered 不适用; the derived answers the unit overrode, with its reasons; the unit's
own remarks (material for the report's 特别说明项). Unit text goes in with ``put_value``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.basic_evaluation.scoring import CriterionScore, Scorecard
from icx.core.basic_evaluation.system import IndicatorSystem
from icx.core.errors import Problem
from icx.io.basic_evaluation_sheet import BasicEvaluation, write_derived
from icx.io.safety import put_value
from icx.io.scored_copy import (
    HEADER_FILL,
    HEADER_FONT,
    open_for_copy,
    replace_sheet,
    save_copy,
    write_problems,
)
from icx.io.specs import sheet_names

TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
WIDTHS = (12, 30, 34, 10, 40, 14, 36, 14)
LINE_HEIGHT = 15


def _l(key: str, lang: i18n.Lang) -> str:
    return i18n.label(f"be_result_{key}", lang)


def _num(value: float | None) -> Any:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for c, text in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=c)
        put_value(cell, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _rows(ws: Worksheet, first: int, rows: Sequence[Sequence[Any]]) -> int:
    r = first - 1
    for r, values in enumerate(rows, start=first):
        lines = 1
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            put_value(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, str):
                width = WIDTHS[c - 1] if c <= len(WIDTHS) else 12
                lines = max(lines, -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in value) // max(width - 1, 1)))
        ws.row_dimensions[r].height = LINE_HEIGHT * lines
    return r


def _section(ws: Worksheet, row: int, text: str) -> int:
    ws.cell(row=row, column=1, value=text).font = SECTION_FONT
    return row + 1


def write_results_sheet(
    wb: openpyxl.Workbook, card: Scorecard, lang: i18n.Lang = "zh", unit: dict[str, str] | None = None
) -> Worksheet:
    """Add (or replace) the 基础性评价结果 sheet for ``card``."""
    system = card.system
    ws = replace_sheet(wb, sheet_names("basic_evaluation_results")[0 if lang == "zh" else 1])
    L = lambda key: _l(key, lang)  # noqa: E731
    zh = lang == "zh"
    ws.cell(row=1, column=1, value=f"{L('title')}（{system.basis}）" if zh else f"{L('title')} ({system.basis})")
    ws.cell(row=1, column=1).font = TITLE_FONT
    unit = unit or {}
    if unit.get("unit_name") or unit.get("unit_code"):
        put_value(ws.cell(row=2, column=1), f"{unit.get('unit_code', '')} {unit.get('unit_name', '')}".strip())

    r = _section(ws, 4, L("scores"))
    levels = [(lv.zh if zh else lv.en, card.level(lv.code)) for lv in system.levels]
    facts = [(name, _num(sub.score), f"/ {sub.points:g}") for name, sub in levels]
    facts.append((L("total"), _num(card.score), f"/ {system.total:g}"))
    facts.append((L("na_points"), _num(card.na_points), ""))
    working = ""
    if card.na_points and card.converted is not None:
        working = f"{card.score:g} ÷ ({system.total:g} − {card.na_points:g}) × {system.total:g}"
    facts.append((L("converted"), _num(card.converted), working))
    facts.append((L("answered"), card.answered, f"/ {len(card.criteria)}"))
    facts.append((L("unanswered"), len(card.unanswered), ""))
    facts.append((L("invalid"), len(card.invalid), ""))
    facts.append((L("overrides"), len(card.overrides), ""))
    for name, value, note in facts:  # label over A:B, the figure in C, how it was worked out in D
        ws.cell(row=r, column=1, value=name).font = Font(bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        put_value(ws.cell(row=r, column=3), value)
        ws.cell(row=r, column=3).alignment = Alignment(horizontal="left")
        put_value(ws.cell(row=r, column=4), note)
        r += 1
    r = _section(ws, r + 1, L("conversion_note"))
    ws.cell(row=r - 1, column=1).font = Font(italic=True, size=9, color="595959")

    r = _section(ws, r + 1, L("indicators"))
    _header(
        ws,
        r,
        [
            L("col_no"),
            L("col_indicator"),
            L("col_level"),
            L("col_points"),
            L("col_score"),
            L("col_deducted"),
            L("col_na"),
            L("col_scaled"),
        ],
    )
    rows = []
    for ind, sub in zip(system.indicators, card.indicators):
        level = system.level_named(ind.level)
        rows.append(
            [
                ind.no,
                ind.zh if zh else ind.en,
                level.zh if zh else level.en,
                _num(sub.points),
                _num(sub.score),
                _num(sub.deduction),
                _num(sub.na_points),
                _num(sub.scaled),
            ]
        )
    r = _rows(ws, r + 1, rows) + 1

    r = _section(
        ws,
        r + 1,
        L("deductions").format(count=len(card.deductions), points=f"{sum(c.deduction for c in card.deductions):g}"),
    )
    _header(
        ws,
        r,
        [
            L("col_id"),
            L("col_indicator"),
            L("col_item"),
            L("col_deducted"),
            L("col_reason"),
            L("col_source"),
            L("col_evidence"),
            L("col_cell"),
        ],
    )
    r = _rows(ws, r + 1, [_deduction_row(c, lang, system) for c in card.deductions]) + 1

    r = _section(ws, r + 1, L("not_applicable"))
    _header(
        ws,
        r,
        [
            L("col_id"),
            L("col_criterion"),
            L("col_condition"),
            L("col_points"),
            L("col_source"),
            L("col_evidence"),
            "",
            L("col_cell"),
        ],
    )
    na_rows = [
        [
            c.id,
            c.criterion.text(lang),
            c.criterion.not_applicable,
            _num(c.points),
            _source(c, lang),
            _evidence(c, lang),
            "",
            _cell(c),
        ]
        for c in card.not_applicable
    ]
    r = _rows(ws, r + 1, na_rows) + 1

    r = _section(ws, r + 1, L("overrides_title"))
    _header(
        ws,
        r,
        [
            L("col_id"),
            L("col_criterion"),
            L("col_derived"),
            L("col_points"),
            L("col_derived_from"),
            L("col_unit_answer"),
            L("col_reason_given"),
            L("col_cell"),
        ],
    )
    over = []
    for c in card.overrides:
        derived = system.answers.label(c.derived.answer, lang) if c.derived and c.derived.answer else ""
        over.append(
            [
                c.id,
                c.criterion.text(lang),
                derived,
                _num(c.points),
                c.derived.evidence(lang) if c.derived else "",
                _show(c.response.answer),
                c.response.reason or L("no_reason"),
                _cell(c),
            ]
        )
    r = _rows(ws, r + 1, over) + 1

    notes = [c for c in card.criteria if c.response.note]
    r = _section(ws, r + 1, L("notes"))
    _header(ws, r, [L("col_id"), L("col_criterion"), L("col_note")])
    _rows(ws, r + 1, [[c.id, c.criterion.text(lang), c.response.note] for c in notes])

    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    return ws


def _show(value: Any) -> Any:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2%}"
    return value


def _cell(c: CriterionScore) -> str:
    if c.response.sheet and c.response.cell:
        return f"{c.response.sheet}!{c.response.cell}"
    return c.response.cell or ""


def _source(c: CriterionScore, lang: i18n.Lang) -> str:
    return _l(f"source_{c.source or 'none'}", lang)


def _evidence(c: CriterionScore, lang: i18n.Lang) -> str:
    if c.source == "derived" and c.derived is not None:
        return c.derived.evidence(lang)
    parts = [c.response.document, _date(c.response.date)]
    return " ".join(p for p in parts if p)


def _date(value: Any) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def _deduction_row(c: CriterionScore, lang: i18n.Lang, system: IndicatorSystem) -> list[Any]:
    item = system.items_by_id[c.criterion.item]
    return [
        c.id,
        system.indicators_by_no[c.criterion.indicator].label(lang),
        f"{item.id} {item.zh if lang == 'zh' else item.en}",
        _num(c.deduction),
        c.reason(lang),
        _source(c, lang),
        _evidence(c, lang),
        _cell(c),
    ]


def write_checked_copy(
    source: str | Path,
    target: str | Path,
    found: BasicEvaluation,
    problems: Sequence[Problem] = (),
    lang: i18n.Lang = "zh",
    unit: dict[str, str] | None = None,
) -> Path:
    """A copy of ``source`` with icx's derived answers refreshed on the 基础性评价 sheet, the
    基础性评价结果 sheet added (and 问题清单 when there are problems), saved atomically."""
    wb = open_for_copy(source)
    write_derived(wb, found.derived, found.scorecard.system if found.scorecard else None)
    if found.scorecard is not None:
        write_results_sheet(wb, found.scorecard, lang, unit)
    write_problems(wb, list(problems), lang)
    return save_copy(wb, target, output="checked")
