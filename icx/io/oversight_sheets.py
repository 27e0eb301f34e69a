"""Result sheets of the rotation, approval-limit and treatment checks, written into an openpyxl
Workbook (the ``icx check`` commands, the ribbon macro, feedback workbooks):

- 轮岗检查: the tenures on key posts (since, years, period and where it comes from, due date,
  audited, state), then the findings;
- 授权检查: how many approvals were checked, then the findings;
- 应对与审定: the risks needing a plan or a sign-off, with the residual level, then the findings.

In a checked copy the cells a finding is about are filled red, so the unit sees where to act.
Unit text is written with ``put_value`` (never a formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.errors import Problem
from icx.core.findings import Finding
from icx.core.methodology import Methodology
from icx.core.persons import DAY_MIN
from icx.core.rotation import RotationReport
from icx.core.treatment import TreatmentReport, wording
from icx.io.findings_sheets import (
    SECTION_FONT,
    SEVERITY_FILLS,
    TITLE_FONT,
    _fit_heights,
    _header_row,
    _print_setup,
    _rows,
)
from icx.io.oversight import OversightCheck
from icx.io.scored_copy import open_for_copy, replace_sheet, save_copy, write_problems
from icx.io.specs import columns, sheet_names

FINDING_WIDTHS = {
    "severity": 6,
    "kind": 12,
    "subject": 12,
    "employee_id": 8,
    "post": 12,
    "message": 44,
    "fix": 34,
    "reference": 14,
    "period": 13,
    "due": 11,
    "days_over": 7,
    "source": 18,
}
TENURE_WIDTHS = {"state": 7, "person": 10, "employee_id": 8, "since": 11, "years": 9, "limit": 9, "due": 11}
PLAN_WIDTHS = {"level": 6, "description": 30, "measures": 24, "minutes": 14, "response": 9, "owner": 9, "signed_on": 11}
MARK_FILL = PatternFill("solid", fgColor="FFC7CE")
DATE = "yyyy-mm-dd"
SHEETS = {"rotation": "rotation_results", "authority": "authority_results", "treatment": "treatment_results"}


def _keys(table: str) -> list[str]:
    return [s.key for s in columns(table)]


def _heads(table: str, lang: i18n.Lang) -> list[str]:
    return [s.header(lang) for s in columns(table)]


def finding_row(f: Finding, lang: i18n.Lang) -> list[Any]:
    """One finding as the cells of the ``findings`` table (catalogue order)."""
    values = {
        "severity": f.severity_label(lang),
        "kind": f.kind_label(lang),
        "subject": f.subject,
        "employee_id": f.employee_id,
        "post": f.post,
        "message": f.text(lang),
        "fix": f.fix_text(lang),
        "reference": f.reference,
        "period": f.period,
        "due": f.due,
        "days_over": f.days_over,
        "source": "；".join(f.sources),
    }
    return [values[k] for k in _keys("findings")]


def write_findings_table(ws: Worksheet, findings: Sequence[Finding], row: int, lang: i18n.Lang, col: int = 1) -> int:
    """The findings table from ``row`` (header) down; returns its last row."""
    keys = _keys("findings")
    _header_row(ws, row, col, _heads("findings", lang))
    last = _rows(ws, row + 1, col, [finding_row(f, lang) for f in findings])
    sev, due = col + keys.index("severity"), col + keys.index("due")
    for r, f in enumerate(findings, start=row + 1):
        ws.cell(row=r, column=sev).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[f.severity])
        ws.cell(row=r, column=due).number_format = DATE
        for c in range(col, col + len(keys)):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    if not findings:
        ws.cell(row=row + 1, column=col, value=i18n.label("oversight_none", lang)).font = Font(
            bold=True, color="375623"
        )
        return row + 1
    return last


def _widths(ws: Worksheet, table: str, widths: dict[str, float]) -> None:
    """Column widths for the findings table above and ``table`` below it (they share columns)."""
    findings, other = _keys("findings"), _keys(table)
    for i in range(max(len(findings), len(other))):
        a = FINDING_WIDTHS.get(findings[i], 12) if i < len(findings) else 0
        b = widths.get(other[i], 11) if i < len(other) else 0
        ws.column_dimensions[get_column_letter(i + 1)].width = max(a, b)


def _findings_first(ws: Worksheet, check: OversightCheck, row: int, lang: i18n.Lang) -> int:
    """The findings section from ``row``; returns the row where the next section starts."""
    _section(ws, row, "oversight_findings_title", lang)
    last = write_findings_table(ws, check.findings, row + 1, lang)
    return last + 2


def _title(ws: Worksheet, key: str, check: OversightCheck, lang: i18n.Lang) -> int:
    ws.cell(row=1, column=1, value=i18n.label(key, lang)).font = TITLE_FONT
    ws.cell(row=2, column=1, value=i18n.label("oversight_as_of", lang))
    cell = ws.cell(row=2, column=3, value=check.as_of)
    cell.number_format, cell.alignment = DATE, Alignment(horizontal="left")
    return 4


def _section(ws: Worksheet, row: int, key: str, lang: i18n.Lang) -> None:
    ws.cell(row=row, column=1, value=i18n.label(key, lang)).font = SECTION_FONT


def _sheet(wb: openpyxl.Workbook, check: str, lang: i18n.Lang) -> Worksheet:
    return replace_sheet(wb, sheet_names(SHEETS[check])[0 if lang == "zh" else 1])


# --- 轮岗检查 -----------------------------------------------------------------------------------
def write_rotation_sheet(wb: openpyxl.Workbook, check: OversightCheck, lang: i18n.Lang = "zh") -> Worksheet:
    ws = _sheet(wb, "rotation", lang)
    row = _findings_first(ws, check, _title(ws, "rotation_title", check, lang), lang)
    report: RotationReport = check.rotation or RotationReport()
    m = check.methodology
    kinds = {k.code: (k.name_zh if lang == "zh" else k.name_en) for k in m.rotation.kinds}
    _section(ws, row, "rotation_tenures_title", lang)
    _header_row(ws, row + 1, 1, _heads("tenures", lang))
    yes = i18n.label("oversight_yes", lang)
    rows = []
    for t in report.tenures:
        basis = i18n.label(f"rotation_basis_{t.basis}", lang)
        if t.basis == "kind":
            basis = f"{basis}：{kinds.get(t.basis_kind, t.basis_kind)}"
        state = "unknown" if t.years is None else "overdue" if t.overdue else "ok"
        values = {
            "person": t.name,
            "employee_id": t.employee_id,
            "post": t.post_name,
            "since": t.start if t.start != DAY_MIN else None,
            "years": t.years,
            "limit": t.limit,
            "basis": basis,
            "due": t.due,
            "audited": yes if t.audited else "",
            "state": i18n.label(f"rotation_state_{state}", lang),
        }
        rows.append([values[k] for k in _keys("tenures")])
    first = row + 2
    _rows(ws, first, 1, rows)
    keys = _keys("tenures")
    for r, t in enumerate(report.tenures, start=first):
        for key in ("since", "due"):
            ws.cell(row=r, column=keys.index(key) + 1).number_format = DATE
        if t.overdue:
            ws.cell(row=r, column=keys.index("state") + 1).fill = PatternFill("solid", fgColor=SEVERITY_FILLS["high"])
    _widths(ws, "tenures", TENURE_WIDTHS)
    _fit_heights(ws, 6, ws.max_row)
    _print_setup(ws)
    return ws


# --- 授权检查 -----------------------------------------------------------------------------------
def write_authority_sheet(wb: openpyxl.Workbook, check: OversightCheck, lang: i18n.Lang = "zh") -> Worksheet:
    ws = _sheet(wb, "authority", lang)
    row = _title(ws, "authority_title", check, lang)
    report = check.authority
    facts = [("authority_window", check.methodology.authority.split_window_days)]
    if report is not None:
        checked = len(report.checked)
        facts += [("authority_checked", checked), ("authority_unchecked", len(report.approvals) - checked)]
    for key, value in facts:
        ws.cell(row=row, column=1, value=i18n.label(key, lang))
        ws.cell(row=row, column=3, value=value).alignment = Alignment(horizontal="left")
        row += 1
    row = _findings_first(ws, check, row + 1, lang)
    _widths(ws, "findings", {})
    _fit_heights(ws, 6, ws.max_row)
    _print_setup(ws)
    return ws


# --- 应对与审定 ---------------------------------------------------------------------------------
def plan_rows(report: TreatmentReport, m: Methodology, lang: i18n.Lang) -> list[list[Any]]:
    """The plans needing a treatment or a sign-off, as ``plans`` table cells."""
    level = lambda n: m.level_name(n, lang) if n else ""  # noqa: E731
    out = []
    for p in report.plans:
        if not (p.needs_plan or p.needs_sign_off):
            continue
        status, decision = wording("treatment_status", p.status), wording("decision", p.decision)
        response = m.response(p.response) if p.response else None
        values = {
            "id": p.risk_id,
            "description": p.description,
            "level": level(p.level),
            "residual_level": level(p.residual_level),
            "response": (response.name_zh if lang == "zh" else response.name_en) if response else p.response_name,
            "measures": p.measures,
            "owner": p.owner,
            "deadline": p.deadline,
            "status": status.label(lang) if status else "",
            "decision": decision.label(lang) if decision else "",
            "signed_on": p.signed_on,
            "minutes": p.minutes,
            "next_review": p.next_review,
        }
        out.append([values[k] for k in _keys("plans")])
    return out


def write_treatment_sheet(wb: openpyxl.Workbook, check: OversightCheck, lang: i18n.Lang = "zh") -> Worksheet:
    ws = _sheet(wb, "treatment", lang)
    row = _findings_first(ws, check, _title(ws, "treatment_title", check, lang), lang)
    report = check.treatment or TreatmentReport()
    m = check.methodology
    _section(ws, row, "treatment_plans_title", lang)
    keys = _keys("plans")
    _header_row(ws, row + 1, 1, _heads("plans", lang))
    rows = plan_rows(report, m, lang)
    first = row + 2
    last = _rows(ws, first, 1, rows)
    colours = {lv.name_zh if lang == "zh" else lv.name_en: lv.color for lv in m.risk_levels}
    for r in range(first, last + 1):
        for key in ("deadline", "signed_on", "next_review"):
            ws.cell(row=r, column=keys.index(key) + 1).number_format = DATE
        for key in ("level", "residual_level"):
            cell = ws.cell(row=r, column=keys.index(key) + 1)
            if cell.value in colours:
                cell.fill = PatternFill("solid", fgColor=colours[cell.value])
        for c in range(1, len(keys) + 1):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(ws, "plans", PLAN_WIDTHS)
    _fit_heights(ws, 6, ws.max_row)
    _print_setup(ws)
    return ws


WRITERS = {"rotation": write_rotation_sheet, "authority": write_authority_sheet, "treatment": write_treatment_sheet}


def mark_cells(wb: openpyxl.Workbook, findings: Sequence[Finding]) -> None:
    """Fill the cells the findings are about ('风险清单!T12') in the copy."""
    for f in findings:
        for source in f.sources:
            sheet, _, ref = source.rpartition("!")
            if sheet in wb.sheetnames and ref and ref[0].isalpha() and ref[-1].isdigit():
                wb[sheet][ref].fill = MARK_FILL


def write_oversight_copy(
    source: str | Path,
    target: str | Path,
    results: dict[str, OversightCheck],
    problems: Sequence[Problem] = (),
    *,
    lang: i18n.Lang = "zh",
    extra: Any = None,
) -> Path:
    """A copy of ``source`` with one result sheet per check (and 问题清单), the findings' cells
    marked; ``extra(wb)`` may add more sheets (icx check all). ``source`` is only read."""
    wb = open_for_copy(source)
    for name, check in results.items():
        mark_cells(wb, check.findings)
        WRITERS[name](wb, check, lang)
    if extra is not None:
        extra(wb)
    write_problems(wb, list(problems), lang)
    return save_copy(wb, target, output="checked")
