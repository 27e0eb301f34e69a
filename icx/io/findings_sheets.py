"""Result sheets of the checks, written into an openpyxl Workbook so every surface can reuse them
(the ``icx check`` commands, the Excel ribbon macros, consolidation's feedback workbooks).

- 冲突清单: one row per conflict (who, employee id, posts, duty A, duty B, rule, area, basis, kind,
  severity, suggested fix, control/voucher, period, source cells) and, beside it after an empty
  column, the counts by area.
- 评价结果: scores by area and overall, deficiencies by grade (open / overdue) and the list of
  deficiencies with their overdue flag.

Headers come from the catalogue (``columns("conflicts")`` …); unit text is written with
``put_value`` so it never becomes a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.conflicts import SEVERITIES, ConflictReport
from icx.core.errors import Problem
from icx.core.evaluation import EvaluationConfig, EvaluationResult, default_config
from icx.core.methodology import Methodology, default_methodology
from icx.io.print_layout import fit_columns_openpyxl, fit_rows_openpyxl, print_ready_openpyxl, within_min_scale
from icx.io.safety import put_value
from icx.io.scored_copy import (
    HEADER_FILL,
    HEADER_FONT,
    open_for_copy,
    replace_sheet,
    save_copy,
    write_problems,
)
from icx.io.specs import columns, sheet_names

SEVERITY_FILLS = {"high": "F8CBAD", "medium": "FFE699", "low": "E2EFDA"}
OVERDUE_FILL = "F8CBAD"
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
CONFLICT_WIDTHS = {
    "person": 10,
    "employee_id": 8,
    "posts": 18,
    "duty_a": 12,
    "duty_b": 12,
    "rule_id": 9,
    "area": 8,
    "basis": 30,
    "kind": 12,
    "severity": 6,
    "fix": 36,
    "reference": 12,
    "period": 13,
    "source": 16,
}
LINE_HEIGHT = 15  # points per line of wrapped text
DEFICIENCY_WIDTHS = {
    "item_id": 10,
    "area": 12,
    "focus": 24,
    "result": 10,
    "deficiency": 36,
    "grade": 10,
    "rectification": 30,
    "owner": 10,
    "owner_email": 22,
    "deadline": 12,
    "status": 10,
    "overdue": 8,
    "days_overdue": 8,
    "source": 16,
}


def _headers(table: str, lang: i18n.Lang) -> list[str]:
    return [spec.header(lang) for spec in columns(table)]


def _keys(table: str) -> list[str]:
    return [spec.key for spec in columns(table)]


def _area_names(methodology: Methodology, lang: i18n.Lang) -> dict[str, str]:
    names = {a.code: (a.short_zh or a.name_zh) if lang == "zh" else a.name_en for a in methodology.areas}
    names[""] = i18n.label("conflicts_no_area", lang)
    return names


def _header_row(ws: Worksheet, row: int, first_col: int, headers: Sequence[str]) -> None:
    for c, text in enumerate(headers, start=first_col):
        cell = ws.cell(row=row, column=c, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[row].height = 2 * LINE_HEIGHT  # room for headers that wrap


def _print_setup(ws: Worksheet, repeat_rows: str | None = None) -> None:
    """A4 landscape, one page wide, as many pages tall as needed (``icx.io.print_layout``)."""
    lang = "en" if ws.title in (sheet_names("conflicts")[1], sheet_names("evaluation_results")[1]) else "zh"
    print_ready_openpyxl(ws, ws.title, lang, header_rows=repeat_rows)


def _fit_heights(ws: Worksheet, first_row: int, last_row: int) -> None:
    """Row heights for wrapped text (spreadsheet programs do not always grow rows they did not
    write themselves, and a PDF of the sheet would show text running over the next row)."""
    fit_rows_openpyxl(ws, first_row, last_row)


def _rows(ws: Worksheet, first_row: int, first_col: int, rows: Iterable[Sequence[Any]]) -> int:
    """Write rows from (first_row, first_col); returns the last row written (first_row - 1 if none)."""
    r = first_row - 1
    for r, values in enumerate(rows, start=first_row):
        for c, value in enumerate(values, start=first_col):
            put_value(ws.cell(row=r, column=c), value)
    return r


# --- 冲突清单 -----------------------------------------------------------------------------------
def write_conflicts_sheet(
    wb: openpyxl.Workbook, report: ConflictReport, lang: i18n.Lang = "zh", methodology: Methodology | None = None
) -> Worksheet:
    """Add (or replace) the 冲突清单 sheet for ``report``."""
    m = methodology or default_methodology()
    ws = replace_sheet(wb, sheet_names("conflicts")[0 if lang == "zh" else 1])
    keys = _keys("conflicts")
    _header_row(ws, 1, 1, _headers("conflicts", lang))
    areas = _area_names(m, lang)
    en = lang == "en"
    rows = []
    for c in report.conflicts:
        values = {
            "person": c.person,
            "employee_id": c.employee_id,
            "posts": "、".join(c.posts),
            "duty_a": c.duty_a_en if en else c.duty_a,
            "duty_b": c.duty_b_en if en else c.duty_b,
            "rule_id": c.rule_id,
            "area": areas.get(c.area, c.area),
            "basis": c.basis_en if en else c.basis,
            "kind": c.kind_label(lang),
            "severity": c.severity_label(lang),
            "fix": c.fix_en if en else c.fix,
            "reference": c.reference,
            "period": c.period,
            "source": "；".join(c.sources),
        }
        rows.append([values[k] for k in keys])
    last = _rows(ws, 2, 1, rows)
    severity_col = keys.index("severity") + 1
    for r, conflict in enumerate(report.conflicts, start=2):
        ws.cell(row=r, column=severity_col).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[conflict.severity])
        for c in range(1, len(keys) + 1):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    fit_columns_openpyxl(ws, 1, [CONFLICT_WIDTHS.get(key, 14) for key in keys])
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{max(last, 1)}"
    _conflict_counts(ws, report, len(keys) + 2, m, lang)
    _fit_heights(ws, 2, last)
    if report.incomplete:  # duties no rule knows: said under the table, printed with it
        last = max(last, 1) + 2
        note = ws.cell(row=last, column=1, value=report.incomplete[0 if lang == "zh" else 1])
        note.font = Font(bold=True, color="9C5700")
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=last, start_column=1, end_row=last, end_column=len(keys))
        ws.row_dimensions[last].height = LINE_HEIGHT * 2
    _print_setup(ws, "1:1")
    ws.print_area = f"A1:{get_column_letter(len(keys))}{max(last, 1)}"  # the counts stay on screen only
    return ws


def _conflict_counts(ws: Worksheet, report: ConflictReport, col: int, m: Methodology, lang: i18n.Lang) -> None:
    """Counts by area (and by severity) beside the conflict table, after an empty column."""
    _header_row(ws, 1, col, _headers("conflict_counts", lang))
    areas = _area_names(m, lang)
    by_area = report.counts_by_area(m)
    rows = []
    for code, total in by_area.items():
        severities = [sum(1 for c in report.conflicts if c.area == code and c.severity == s) for s in SEVERITIES]
        rows.append([areas.get(code, code), total, *severities])
    totals = report.counts_by("severity")
    rows.append([i18n.label("conflicts_total", lang), len(report.conflicts), *(totals[s] for s in SEVERITIES)])
    last = _rows(ws, 2, col, rows)
    for c in range(col, col + 5):
        ws.cell(row=last, column=c).font = Font(bold=True)
    if not report.conflicts:
        ws.cell(row=last + 2, column=col, value=i18n.label("conflicts_none", lang)).font = Font(
            bold=True, color="375623"
        )
    ws.column_dimensions[get_column_letter(col)].width = 14
    for c in range(col + 1, col + 5):
        ws.column_dimensions[get_column_letter(c)].width = 8


# --- 评价结果 -----------------------------------------------------------------------------------
def write_evaluation_sheet(
    wb: openpyxl.Workbook,
    result: EvaluationResult,
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
    config: EvaluationConfig | None = None,
) -> Worksheet:
    """Add (or replace) the 评价结果 sheet: scores by area, deficiency counts, deficiency list."""
    m = methodology or default_methodology()
    cfg = config or default_config()
    ws = replace_sheet(wb, sheet_names("evaluation_results")[0 if lang == "zh" else 1])
    label = lambda key: i18n.label(key, lang)  # noqa: E731
    ws.cell(row=1, column=1, value=label("evaluation_title")).font = TITLE_FONT
    # label in A:C (merged: the labels are long), value in D
    for row, key, value in (
        (2, "evaluation_as_of", result.as_of),
        (3, "evaluation_partial_note", result.partial_factor),
    ):
        ws.cell(row=row, column=1, value=label(key))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        cell = ws.cell(row=row, column=4, value=value)
        cell.alignment = Alignment(horizontal="left")
        if key == "evaluation_as_of":
            cell.number_format = "yyyy-mm-dd"

    row = 5
    ws.cell(row=row, column=1, value=label("evaluation_areas_title")).font = SECTION_FONT
    _header_row(ws, row + 1, 1, _headers("evaluation_areas", lang))
    areas = _area_names(m, lang)
    area_rows = []
    for score in [*result.areas, result.overall]:
        name = areas.get(score.area, score.area) if score.area else label("evaluation_overall")
        area_rows.append(
            [
                name,
                score.items,
                score.applicable,
                score.weight,
                score.score,
                score.percent,
                score.design_percent,
                score.operating_percent,
                score.not_compliant,
                score.deficiencies,
            ]
        )
    last = _rows(ws, row + 2, 1, area_rows)
    for r in range(row + 2, last + 1):
        for c in (4, 5):
            ws.cell(row=r, column=c).number_format = "0.##"
        for c in (6, 7, 8):
            ws.cell(row=r, column=c).number_format = "0.00"
    for c in range(1, 11):
        ws.cell(row=last, column=c).font = Font(bold=True)

    row = last + 2
    ws.cell(row=row, column=1, value=label("evaluation_grades_title")).font = SECTION_FONT
    _header_row(ws, row + 1, 1, _headers("deficiency_counts", lang))
    counts = result.counts_by_grade(cfg)
    grade_rows = []
    for code, n in counts.items():
        if code == "" and not n["total"]:
            continue
        name = cfg.wording("grades", code).label(lang) if code else label("evaluation_ungraded")
        grade_rows.append([name, n["total"], n["open"], n["overdue"]])
    grade_rows.append(
        [
            label("evaluation_overall"),
            len(result.deficiencies),
            len(result.open_deficiencies),
            len(result.overdue_deficiencies),
        ]
    )
    last = _rows(ws, row + 2, 1, grade_rows)
    for c in range(1, 5):
        ws.cell(row=last, column=c).font = Font(bold=True)

    row = last + 2
    ws.cell(row=row, column=1, value=label("evaluation_deficiencies_title")).font = SECTION_FONT
    keys = _keys("deficiency_list")
    _header_row(ws, row + 1, 1, _headers("deficiency_list", lang))
    yes, no = label("evaluation_yes"), label("evaluation_no")
    deficiency_rows = []
    for d in result.deficiencies:
        values = {
            "item_id": d.item_id,
            "area": areas.get(d.area, d.area),
            "focus": d.focus,
            "result": cfg.wording("results", d.result).label(lang),
            "deficiency": d.description,
            "grade": cfg.wording("grades", d.grade).label(lang) if d.grade else "",
            "rectification": d.rectification,
            "owner": d.owner,
            "owner_email": d.owner_email,
            "deadline": d.deadline,
            "status": cfg.wording("statuses", d.status).label(lang),
            "overdue": yes if d.overdue else no,
            "days_overdue": d.days_overdue or None,
            "source": d.source,
        }
        deficiency_rows.append([values[k] for k in keys])
    first = row + 2
    last = _rows(ws, first, 1, deficiency_rows)
    deadline_col, overdue_col = keys.index("deadline") + 1, keys.index("overdue") + 1
    for r, d in enumerate(result.deficiencies, start=first):
        ws.cell(row=r, column=deadline_col).number_format = "yyyy-mm-dd"
        if d.overdue:
            ws.cell(row=r, column=overdue_col).fill = PatternFill("solid", fgColor=OVERDUE_FILL)
        for c in range(1, len(keys) + 1):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    widths = within_min_scale([DEFICIENCY_WIDTHS.get(key, 12) for key in keys], [True] * len(keys))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 14)
    _fit_heights(ws, first, last)
    _print_setup(ws)
    return ws


# --- a checked copy -----------------------------------------------------------------------------
def write_checked_copy(
    source: str | Path,
    target: str | Path,
    *,
    conflicts: ConflictReport | None = None,
    evaluation: EvaluationResult | None = None,
    problems: Sequence[Problem] = (),
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
    config: EvaluationConfig | None = None,
) -> Path:
    """A copy of ``source`` with the result sheets (and a 问题清单 sheet when there are problems)
    added, saved atomically to ``target``. ``source`` is only read."""
    wb = open_for_copy(source)
    if conflicts is not None:
        write_conflicts_sheet(wb, conflicts, lang, methodology)
    if evaluation is not None:
        write_evaluation_sheet(wb, evaluation, lang, methodology, config)
    write_problems(wb, list(problems), lang)
    kind = "conflicts" if evaluation is None else "evaluation" if conflicts is None else "checked"
    return save_copy(wb, target, output=kind)
