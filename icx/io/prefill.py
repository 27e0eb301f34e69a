"""Next period's unit workbooks, prefilled from last period's records (``icx templates prefill``).

Each workbook is the standard template (formulas, validation and 参数设置 intact) with the unit's
information, its register (risks, responses, controls and owners as last period; last period's
likelihood, impact, score and level in the 上期 columns, this period's assessor columns blank),
its control matrices, its posts, duties, own duty rules and assignments, and the self-evaluation
checklist with last period's open deficiencies carried onto their items (with their deadlines).
A deficiency on an item the built-in checklist does not hold gets its own row.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any

from icx import i18n
from icx.core import history as h
from icx.core.codes import code_key
from icx.core.evaluation import checklist_rows, default_config
from icx.core.methodology import Methodology, default_methodology
from icx.io.safety import put_value
from icx.io.save import save_workbook

SPARE_ROWS = 30  # blank prepared rows under the carried rows, for this period's new entries


def prefill_folder(
    record: h.PeriodRecord,
    folder: str | Path,
    *,
    period: str,
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
) -> list[Path]:
    """One prefilled workbook per unit of ``record`` in ``folder``; returns the files written."""
    from icx.consolidate.feedback import safe_name

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in sorted(record.units, key=lambda u: code_key(u.code)):
        name = "-".join(
            p for p in (safe_name(unit.code), safe_name(unit.name) if unit.name else "", safe_name(period)) if p
        )
        written.append(
            prefill_workbook(
                record, unit.code, folder / f"{name}.xlsx", period=period, lang=lang, methodology=methodology
            )
        )
    return written


def prefill_workbook(
    record: h.PeriodRecord,
    unit_code: str,
    target: str | Path,
    *,
    period: str,
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
) -> Path:
    """The standard unit workbook for ``unit_code``'s next period ``period``, from ``record``."""
    from icx.templates import Sizes, build
    from icx.templates.layout import fill_rows

    m = methodology or default_methodology()
    key = code_key(unit_code)
    unit = next(u for u in record.units if code_key(u.code) == key)
    mine = lambda rows: [r for r in rows if code_key(r.unit_code) == key]  # noqa: E731
    risks, controls = mine(record.risks), mine(record.controls)
    duties, rules, people = mine(record.duties), mine(record.duty_rules), mine(record.assignments)
    carried = [d for d in mine(record.deficiencies) if d.open]

    checklist = _checklist(carried, lang, m)
    per_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for control in controls:
        per_area[control.area].append(_fields(control, drop=("unit_code", "area")))
    sizes = Sizes(
        register_rows=len(risks) + SPARE_ROWS,
        control_rows=max((len(v) for v in per_area.values()), default=0) + SPARE_ROWS,
        duty_rule_rows=len(rules) + SPARE_ROWS,
        duty_rows=max(len(duties), len(people)) + SPARE_ROWS,
        evaluation_rows=len(checklist) + SPARE_ROWS,
    )
    built = build("unit", lang, m, sizes, checklist=checklist)
    wb = built.wb
    info = wb[built.sheets["unit_info"]]
    values = {
        "unit_name": unit.name,
        "unit_code": unit.code,
        "period": period,
        "preparer": unit.preparer,
        "contact": unit.contact,
        "email": unit.email,
    }
    for field, cell in built.unit_cells.items():
        put_value(info[cell], values.get(field) or None)

    def fill(table: str, rows: list[dict[str, Any]]) -> None:
        if table in built.placements and rows:
            fill_rows(wb[built.sheets[table]], built.placements[table], rows)

    fill("register", [_register_row(r, m, lang) for r in risks])
    for area, rows in per_area.items():
        fill(f"controls:{area}", rows)
    fill("duty_rules", [_fields(r, drop=("unit_code",)) for r in rules])
    fill("post_duties", [_fields(r, drop=("unit_code",)) for r in duties])
    fill("person_posts", [_fields(r, drop=("unit_code",)) for r in people])
    return save_workbook(wb, target)


def _register_row(risk: h.RiskRecord, m: Methodology, lang: i18n.Lang) -> dict[str, Any]:
    area = m.area(risk.area)
    return {
        "id": risk.risk_id,
        "area": ((area.short_zh or area.name_zh) if lang == "zh" else area.name_en) if area else risk.area,
        "process_step": risk.process_step,
        "description": risk.description,
        "category": risk.category,
        "cause": risk.cause,
        "response": risk.response,
        "controls": risk.controls,
        "owner_department": risk.owner_department,
        "owner": risk.owner,
        "evidence": risk.evidence,
        "prev_likelihood": round(risk.likelihood, 4),
        "prev_impact": round(risk.impact, 4),
        "prev_score": round(risk.score, 4),
        "prev_level": m.level_name(risk.level, lang),
    }


def _checklist(carried: list[h.DeficiencyRecord], lang: i18n.Lang, m: Methodology) -> list[dict[str, Any]]:
    """The built-in checklist with each carried deficiency on its item's row (a row of its own
    for an item the checklist does not hold)."""
    rows = checklist_rows(lang=lang, methodology=m)
    by_item = {code_key(row["item_id"]): row for row in rows}
    cfg = default_config()

    def label(kind: str, code: str) -> str:
        try:
            return cfg.wording(kind, code).label(lang) if code else ""
        except StopIteration:
            return code

    for d in carried:
        row = by_item.get(code_key(d.item_id))
        if row is None:
            area = m.area(d.area)
            row = {
                "item_id": d.item_id,
                "area": ((area.short_zh or area.name_zh) if lang == "zh" else area.name_en) if area else d.area,
                "focus": d.focus,
            }
            rows.append(row)
            by_item[code_key(d.item_id)] = row
        row.update(
            {
                "deficiency": d.description,
                "grade": label("grades", d.grade),
                "rectification": d.rectification,
                "owner": d.owner,
                "owner_email": d.owner_email,
                "deadline": d.deadline,
                "status": label("statuses", d.status),
            }
        )
    return rows


def _fields(record: Any, drop: tuple[str, ...]) -> dict[str, Any]:
    values = {k: v for k, v in dataclasses.asdict(record).items() if k not in drop}
    return {k: (v if not isinstance(v, str) or v else None) for k, v in values.items()}
