"""A consolidation as a history record (``icx consolidate --db``).

The worker adds to each unit's result, only when the batch is recorded, what the committee
workbook does not need but next year's comparison and prefill do (``UnitHistory``): every
control-matrix row, the posts' duties, the unit's own duty rules, the assignments, each checklist
item's result, and per risk its cause, evidence and residual grading. ``period_record`` then
turns the counted units of a ``Consolidation`` into a ``PeriodRecord`` for the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from icx.core import history as h
from icx.core import scoring
from icx.core.dates import as_date
from icx.core.methodology import Methodology
from icx.io.table import text_of

RECORD_FIELDS = {
    "controls": h.ControlRecord,
    "duties": h.DutyRecord,
    "duty_rules": h.DutyRuleRecord,
    "assignments": h.AssignmentRecord,
}


@dataclass(slots=True)
class UnitHistory:
    """What a recorded batch keeps of one unit besides its ``UnitResult``."""

    controls: list[h.ControlRecord] = field(default_factory=list)
    duties: list[h.DutyRecord] = field(default_factory=list)
    duty_rules: list[h.DutyRuleRecord] = field(default_factory=list)
    assignments: list[h.AssignmentRecord] = field(default_factory=list)
    items: list[h.ItemRecord] = field(default_factory=list)
    risk_extras: dict[str, dict[str, Any]] = field(default_factory=dict)  # risk id → RiskRecord fields
    contacts: dict[str, str] = field(default_factory=dict)  # preparer, contact, email


def unit_history(code: str, workbook: Any, check: Any, sheet: Any, m: Methodology) -> UnitHistory:
    """The history part of one unit from what the worker has read already (no sheet is read twice):
    ``workbook`` a ``UnitWorkbook``, ``check`` a ``ConflictCheck``, ``sheet`` an ``EvaluationSheet``."""
    out = UnitHistory()
    out.contacts = {k: workbook.unit.get(k, "") for k in ("preparer", "contact", "email")}
    for row in workbook.control_records:
        out.controls.append(_record(h.ControlRecord, code, row, area=row.get("area", "")))
    tables = check.duty_tables.tables if check.duty_tables is not None else {}
    for table_name, kind in (("post_duties", h.DutyRecord), ("duty_rules", h.DutyRuleRecord)):
        if table_name in tables:
            for _, cells in tables[table_name].rows.items():
                record = _record(kind, code, cells)
                if any(getattr(record, f.name) for f in dataclasses.fields(kind) if f.name != "unit_code"):
                    getattr(out, "duties" if table_name == "post_duties" else "duty_rules").append(record)
    if "person_posts" in tables:
        for _, cells in tables["person_posts"].rows.items():
            if not text_of(cells.get("person")) and not text_of(cells.get("post")):
                continue
            out.assignments.append(
                h.AssignmentRecord(
                    unit_code=code,
                    person=_text(cells.get("person")),
                    post=_text(cells.get("post")),
                    employee_id=_text(cells.get("employee_id")),
                    date_from=as_date(cells.get("date_from")),
                    date_to=as_date(cells.get("date_to")),
                    acting=_text(cells.get("acting")),
                )
            )
    if sheet.result is not None:
        for item in sheet.result.item_rows:
            out.items.append(
                h.ItemRecord(
                    unit_code=code,
                    item_id=_text(item.get("item_id")),
                    area=_text(item.get("area")),
                    result=_text(item.get("result")),
                    score=_number(item.get("score")),
                    weight=_number(item.get("weight")),
                )
            )
    if workbook.register is not None:
        for cells in workbook.register.scored_rows():
            rl, ri = _number(cells.get("residual_likelihood")), _number(cells.get("residual_impact"))
            graded = rl is not None and ri is not None and 1 <= rl <= 5 and 1 <= ri <= 5
            out.risk_extras[_text(cells.get("id"))] = {
                "cause": _text(cells.get("cause")),
                "evidence": _text(cells.get("evidence")),
                "residual_likelihood": rl if graded else None,
                "residual_impact": ri if graded else None,
                "residual_score": scoring.risk_score(rl, ri) if graded else None,
                "residual_level": scoring.risk_level(rl, ri, m) if graded else None,
            }
    return out


def period_record(c: Any, period: str, units: list[Any] | None = None) -> h.PeriodRecord:
    """The records of the counted units of consolidation ``c`` (``units``, default:
    ``counted_units``) as the store keeps them."""
    chosen = units if units is not None else counted_units(c)
    record = h.PeriodRecord(
        period=period,
        as_of=c.as_of,
        recorded_at=c.generated.replace(microsecond=0) if c.generated else dt.datetime.now(),
    )
    for u in chosen:
        extra = u.history or UnitHistory()
        record.units.append(
            h.UnitRecord(
                code=u.unit_code,
                name=u.unit_name,
                file=u.file,
                sha256=u.sha256,
                evaluation_score=u.evaluation_score,
                methodology=u.methodology_name,
                **{k: extra.contacts.get(k, "") for k in ("preparer", "contact", "email")},
            )
        )
        for r in u.risks:
            record.risks.append(
                h.RiskRecord(
                    unit_code=u.unit_code,
                    risk_id=r.id,
                    area=r.area,
                    description=r.description,
                    likelihood=r.likelihood,
                    impact=r.impact,
                    score=r.score,
                    level=r.level,
                    process_step=r.process_step,
                    category=r.category,
                    response=r.response,
                    owner_department=r.owner_department,
                    owner=r.owner,
                    controls=r.controls,
                    **extra.risk_extras.get(r.id, {}),
                )
            )
        for k in u.conflicts:
            record.conflicts.append(
                h.ConflictRecord(
                    unit_code=u.unit_code,
                    kind=k.kind,
                    rule_id=k.rule_id,
                    area=k.area,
                    severity=k.severity,
                    person=k.person,
                    posts="、".join(k.posts),
                    duty_a=k.duty_a,
                    duty_b=k.duty_b,
                    reference=k.reference,
                    dates=k.period,
                )
            )
        if u.evaluation is not None:
            for a in [u.evaluation.overall, *u.evaluation.areas]:
                record.area_scores.append(
                    h.AreaScoreRecord(u.unit_code, a.area, a.percent, a.applicable, a.not_compliant)
                )
            for d in u.evaluation.deficiencies:
                record.deficiencies.append(
                    h.DeficiencyRecord(
                        unit_code=u.unit_code,
                        item_id=d.item_id,
                        area=d.area,
                        description=d.description,
                        grade=d.grade,
                        status=d.status,
                        deadline=d.deadline,
                        rectification=d.rectification,
                        owner=d.owner,
                        overdue=d.overdue,
                        owner_email=d.owner_email,
                        focus=d.focus,
                    )
                )
        record.controls += extra.controls
        record.duties += extra.duties
        record.duty_rules += extra.duty_rules
        record.assignments += extra.assignments
        record.items += extra.items
    return record


def counted_units(c: Any) -> list[Any]:
    """The units whose figures the consolidation counts (``Consolidation.units``: one file per
    unit, decided by ``icx.consolidate.accounting``): only these are recorded and compared."""
    return list(c.units)


def _record(kind: type, code: str, cells: dict[str, Any], **fixed: Any) -> Any:
    names = [f.name for f in dataclasses.fields(kind) if f.name not in ("unit_code", *fixed)]
    return kind(unit_code=code, **fixed, **{n: _text(cells.get(n)) for n in names})


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return text_of(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def record_and_compare(c: Any, store: Any, period: str | None, previous: str | None = None) -> h.PeriodRecord:
    """Record the counted units of ``c`` as ``period`` in ``store`` (one transaction, an earlier
    recording of that period replaced) and set ``c.year_over_year`` (see ``compare_with_store``)."""
    record = compare_with_store(c, store, period, previous)
    store.record(record)
    return record


def compare_with_store(c: Any, store: Any, period: str | None, previous: str | None = None) -> h.PeriodRecord:
    """The record of the counted units of ``c`` as ``period``, not yet stored, with
    ``c.year_over_year`` set against ``previous`` (default: the period recorded last before this
    one, by as-of date) when the store holds one. The comparison needs only the earlier period, so
    the caller may store the record while it writes the summary.

    ``period`` defaults to the one period the counted units name; ``IcxError`` when they name none
    or several (a recorded period must have a label), or when ``previous`` is not in the store.
    """
    from icx.core.errors import IcxError, Problem

    units = counted_units(c)
    label = period or _common_period(units)
    if not label:
        found = sorted({u.period for u in units if u.period})
        raise IcxError(Problem.of("history_period_needed", params={"found": "、".join(found) or "—"}, severity="error"))
    record = period_record(c, label, units)
    before_label = previous or store.previous(label, c.as_of)
    if before_label is not None:
        before = store.load(before_label)  # IcxError naming the periods held when it is unknown
        names = {a.code: (a.short_zh or a.name_zh) for a in c.methodology.areas}
        c.year_over_year = h.compare(before, record, names)
    return record


def _common_period(units: list[Any]) -> str | None:
    periods = {u.period for u in units if u.period}
    return periods.pop() if len(periods) == 1 else None
