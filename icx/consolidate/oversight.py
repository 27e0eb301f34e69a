"""Rotation, approval limits and treatment in a consolidation: what a worker keeps of each unit,
the key figures, and the committee summary's sheets for them.

- ``read_unit_oversight`` runs the three checks (``icx.io.oversight``) on a workbook the worker
  has already read (settings, register, conflict check shared), keeping the findings, each
  risk's residual level and the overdue treatments (which join 缺陷整改, and so ``icx remind``).
- ``figures`` — the counts of a block of 概览 (``catalogue/oversight.toml`` ``[oversight_figures]``,
  below the key figures that email reads back).
- ``write_sheets`` — 岗位与授权 (rotation and approval findings), 风险应对 (plans incomplete or
  overdue) and 待审定事项 (what the committee still has to sign off or review), each finding
  with its unit; ``overdue_rows`` — the overdue treatments as 缺陷整改 rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from icx import i18n
from icx.core.errors import Problem
from icx.core.findings import Finding, ordered
from icx.core.methodology import Methodology
from icx.core.treatment import Plan, wording
from icx.io.duties import ConflictCheck
from icx.io.grid import WorkbookGrid
from icx.io.oversight import context, run_checks, unique_problems
from icx.io.oversight_sheets import finding_row
from icx.io.register import RegisterResult
from icx.io.settings_sheet import SettingsResult
from icx.io.specs import columns, sheet_names

POSTS_KINDS = ("rotation_overdue", "rotation_unaudited", "approval_over_limit", "possible_split")
TREATMENT_KINDS = ("plan_incomplete", "treatment_overdue")
SIGN_OFF_KINDS = ("signoff_missing", "signoff_rejected", "review_overdue")
FIGURES = {
    "rotation_findings": ("rotation_overdue", "rotation_unaudited"),
    "approvals_over_limit": ("approval_over_limit",),
    "possible_splits": ("possible_split",),
    "plans_incomplete": ("plan_incomplete",),
    "treatments_overdue": ("treatment_overdue",),
    "signoffs_pending": ("signoff_missing", "signoff_rejected"),
    "reviews_overdue": ("review_overdue",),
}


@dataclass(slots=True)
class UnitOversight:
    findings: list[Finding] = field(default_factory=list)
    residual: dict[str, int] = field(default_factory=dict)  # risk id → residual level
    overdue: list[Plan] = field(default_factory=list)  # treatments past their deadline
    checked: tuple[str, ...] = ()  # the checks that ran
    problems: list[Problem] = field(default_factory=list)


def read_unit_oversight(
    book: WorkbookGrid,
    file: str,
    methodology: Methodology,
    as_of: dt.date,
    *,
    settings: SettingsResult | None,
    register: RegisterResult | None,
    conflicts: ConflictCheck | None,
) -> UnitOversight:
    """The three checks of one workbook, as of the batch's date (not the workbook's own)."""
    ctx = context(
        book, file=file, methodology=methodology, as_of=as_of, settings=settings, conflicts=conflicts, register=register
    )
    results = run_checks(ctx)
    out = UnitOversight(checked=tuple(name for name, r in results.items() if r.ran))
    out.findings = ordered(f for r in results.values() for f in r.findings)
    # the conflict check's problems are the worker's already; the others are new
    own = [p for r in results.values() for p in r.problems]
    known = {(p.code, p.where, p.message_en) for p in (conflicts.problems if conflicts is not None else ())}
    out.problems = [p for p in unique_problems(own) if (p.code, p.where, p.message_en) not in known]
    treatment = results["treatment"].treatment
    if treatment is not None:
        out.residual = {p.risk_id: p.residual_level for p in treatment.plans if p.residual_level is not None}
        out.overdue = treatment.overdue(as_of)
    return out


def figures(units: Iterable[Any]) -> dict[str, int]:
    """概览 counts over every unit's findings."""
    counts = dict.fromkeys(FIGURES, 0)
    kinds = {kind: key for key, ks in FIGURES.items() for kind in ks}
    for unit in units:
        for f in unit.oversight_findings:
            counts[kinds[f.kind]] += 1
    return counts


# --- the committee summary ---------------------------------------------------------------------
def write_overview_block(summary: Any, ws: Any, row: int) -> int:
    """The counts on 概览 under the key figures, with a header row; returns the next free row."""
    s, lang = summary.s, summary.lang
    ws.write_string(row, 0, i18n.label("oversight_overview", lang), s.header)
    ws.write_string(row, 1, summary.label("value"), s.header)
    for key, value in summary.c.oversight_figures.items():
        row += 1
        ws.write_string(row, 0, i18n.section("oversight_figures")[key][lang], s.text)
        ws.write_number(row, 1, value, s.integer)
    return row + 2


WIDTHS = {"severity": 6, "kind": 12, "subject": 10, "employee_id": 8, "post": 12, "message": 48, "fix": 34}
WRAPPED = {"message", "fix", "source", "period"}


def _findings_sheet(summary: Any, key: str, kinds: tuple[str, ...], note: str) -> None:
    from icx.consolidate.xlsx import Column, table

    s, lang = summary.s, summary.lang
    ws = summary.add(key)
    specs = columns("findings")
    cols = [*summary.unit_headers()]
    for spec in specs:
        fmt = (
            "date"
            if spec.key == "due"
            else "integer"
            if spec.key == "days_over"
            else "wrap"
            if spec.key in WRAPPED
            else "text"
        )
        cols.append(Column(spec.header(lang), WIDTHS.get(spec.key, 12), fmt))
    rows = [
        [u.unit_code, u.unit_name, *finding_row(f, lang)]
        for u in summary.c.units
        for f in u.oversight_findings
        if f.kind in kinds
    ]
    ws.merge_range(0, 0, 0, 8, i18n.label(note, lang), s.note)
    ws.set_row(0, 30)
    first, last = table(ws, s, 2, cols, rows)  # rows as tall as their wrapped texts (print_layout)
    severity = 2  # after the unit's code and name
    ws.conditional_format(
        first,
        severity,
        max(first, last),
        severity,
        {"type": "cell", "criteria": "==", "value": f'"{i18n.label("finding_severity_high", lang)}"', "format": s.bad},
    )


def write_sheets(summary: Any) -> None:
    """岗位与授权, 风险应对 and 待审定事项 of the committee summary (``summary`` is the writer)."""
    _findings_sheet(summary, "summary_posts_authority", POSTS_KINDS, "oversight_note_posts")
    _findings_sheet(summary, "summary_treatment", TREATMENT_KINDS, "oversight_note_treatment")
    _findings_sheet(summary, "summary_sign_off", SIGN_OFF_KINDS, "oversight_note_sign_off")


def overdue_rows(unit: Any, as_of: dt.date, m: Methodology, lang: i18n.Lang, area_name: Any) -> list[dict[str, Any]]:
    """A unit's overdue treatments as 缺陷整改 rows (keys of the ``deficiencies`` table)."""
    out = []
    for p in unit.overdue_plans:
        status = wording("treatment_status", p.status) if p.status else None
        prefix = i18n.label("oversight_overdue_prefix", lang)
        out.append(
            {
                "unit_code": unit.unit_code,
                "unit_name": unit.unit_name,
                "item_id": p.risk_id,
                "area": area_name(p.area),
                "deficiency": f"{prefix}{p.description}",
                "grade": m.level_name(p.level, lang) if p.level else "",
                "rectification": p.measures,
                "owner": p.owner,
                "owner_email": "",
                "deadline": p.deadline,
                "status": status.label(lang) if status else "",
                "days_overdue": (as_of - p.deadline).days if p.deadline else None,
            }
        )
    return out


def feedback_sheet_name(lang: i18n.Lang) -> str:
    return sheet_names("feedback_oversight")[0 if lang == "zh" else 1]
