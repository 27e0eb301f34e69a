"""Write demo units as workbooks.

``write_unit_workbook``: the full unit workbook, built from the standard template
(``icx.templates``) and filled with the unit's data — what ``icx demo`` writes.
``write_plain_register``: just 单位信息 + 风险清单 as a plain table (a hand-made register).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from icx import i18n
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.demo.data import ASSESSORS, DemoUnit
from icx.io.safety import put_value
from icx.io.save import save_workbook
from icx.io.scored_copy import write_rows
from icx.io.specs import columns, sheet_names

SPARE_ROWS = 20  # blank prepared rows under the demo data, as a unit would receive the template
# Columns whose values are dropdown choices, translated for an English workbook.
CHOICE_COLUMNS = {
    "nature": "nature",
    "mode": "mode",
    "frequency": "frequency",
    "key_control": "yes_no",
    "enabled": "yes_no",
    "acting": "yes_no",
    "result": "result",
    "grade": "grade",
    "status": "status",
    "effectiveness": "effectiveness",
    "key_post": "yes_no",
    "treatment_status": "treatment_status",
    "decision": "decision",
}


def _header(key: str, n: int | None = None) -> str:
    return next(s for s in columns("register") if s.key == key).header("zh", n)


def _in_language(key: str, value: Any, lang: i18n.Lang) -> Any:
    choice = CHOICE_COLUMNS.get(key)
    if lang == "zh" or choice is None or not isinstance(value, str):
        return value
    for entry in i18n.section("choices")[choice]:
        if normalize_word(value) in (normalize_word(entry["zh"]), normalize_word(entry.get("short_zh", entry["zh"]))):
            return entry["en"]
    return value


def _named(m: Methodology, kind: str, value: str, lang: i18n.Lang) -> str:
    entry = getattr(m, kind)(value) if value else None
    if entry is None:
        return value
    if kind == "area":
        return (entry.short_zh or entry.name_zh) if lang == "zh" else entry.name_en
    return entry.name_zh if lang == "zh" else entry.name_en


def register_records(unit: DemoUnit, m: Methodology, lang: i18n.Lang = "zh") -> list[dict[str, Any]]:
    """The unit's risks as rows keyed by the register's column keys."""
    rows = []
    for r in unit.risks:
        row: dict[str, Any] = {
            "id": r.id,
            "area": _named(m, "area", r.area, lang),
            "process_step": r.step,
            "description": r.description,
            "category": _named(m, "category", r.category, lang),
            "cause": r.cause,
            "response": _named(m, "response", r.response, lang),
            "controls": "；".join(r.controls),
            "owner_department": r.department,
            "owner": r.owner,
        }
        row.update({f"likelihood_{n}": v for n, v in enumerate(r.likelihood, start=1)})
        row.update({f"impact_{n}": v for n, v in enumerate(r.impact, start=1)})
        row.update({k: _in_language(k, v, lang) for k, v in r.treatment.items()})
        rows.append(row)
    return rows


def write_unit_workbook(
    unit: DemoUnit, path: str | Path, lang: i18n.Lang = "zh", methodology: Methodology | None = None
) -> Path:
    """The full unit workbook for ``unit``: the standard template, its tables filled in."""
    from icx.templates import Sizes, build
    from icx.templates.layout import fill_rows

    m = methodology or default_methodology()
    per_area: dict[str, list[dict[str, Any]]] = {}
    for control in unit.controls:
        per_area.setdefault(control.get("area", "unit"), []).append(control)
    sizes = Sizes(
        assessors=max(ASSESSORS, max((len(r.likelihood) for r in unit.risks), default=0)),
        register_rows=len(unit.risks) + SPARE_ROWS,
        control_rows=max((len(v) for v in per_area.values()), default=0) + SPARE_ROWS,
        duty_rule_rows=len(unit.duty_rules) + SPARE_ROWS,
        duty_rows=max(len(unit.post_duties), len(unit.person_posts)) + SPARE_ROWS,
        evaluation_rows=len(unit.evaluation) + SPARE_ROWS,
        transaction_rows=len(unit.transactions) + SPARE_ROWS,
    )
    translate = lambda rows: [{k: _in_language(k, v, lang) for k, v in row.items()} for row in rows]  # noqa: E731
    built = build("unit", lang, m, sizes, checklist=translate(unit.evaluation) if unit.evaluation else None)
    wb = built.wb

    info = wb[built.sheets["unit_info"]]
    values = {
        "unit_name": unit.name,
        "unit_code": unit.code,
        "period": unit.period,
        "preparer": unit.preparer,
        "contact": unit.contact,
        "email": unit.email,
    }
    for key, cell in built.unit_cells.items():
        put_value(info[cell], values.get(key))

    def fill(key: str, rows: list[dict[str, Any]]) -> None:
        if key in built.placements and rows:
            fill_rows(wb[built.sheets[key]], built.placements[key], translate(rows))

    fill("register", register_records(unit, m, lang))
    for area, rows in per_area.items():
        fill(f"controls:{area}", rows)
    fill("duty_rules", unit.duty_rules)
    fill("post_duties", unit.post_duties)
    fill("person_posts", unit.person_posts)
    fill("transaction_log", unit.transactions)
    fill("key_posts", unit.key_posts)
    fill("authority", unit.authorities)
    fill("special_audits", unit.special_audits)
    if built.basic_evaluation is not None:
        _basic_evaluation(unit, built, lang)
    return save_workbook(wb, path)


def _basic_evaluation(unit: DemoUnit, built: Any, lang: i18n.Lang) -> None:
    """The unit's answers on the 基础性评价 sheet, then icx's derived answers beside them (derived
    from the workbook as written so far: the sheet is exactly what `icx check basic-evaluation`
    would write), then what a complete unit answers once it sees them."""
    import datetime as dt
    import io

    from icx.demo.basic_evaluation import complete_answers
    from icx.io.basic_evaluation_sheet import evaluate_book, write_derived
    from icx.io.grid import load_grid

    layout = built.basic_evaluation
    ws = built.wb[built.sheets["basic_evaluation"]]

    def put(answers: dict[str, dict[str, Any]]) -> None:
        for cid, row in answers.items():
            for key, value in row.items():
                if cid in layout.rows and value is not None:
                    put_value(ws[f"{layout.table.letters[key]}{layout.rows[cid]}"], _answer(key, value, lang))

    put(unit.basic_evaluation)
    raw = io.BytesIO()
    built.wb.save(raw)
    year = int(unit.period) if str(unit.period).isdigit() else 2026
    found = evaluate_book(load_grid(f"{unit.code}.xlsx", data=raw.getvalue()), as_of=dt.date(year, 12, 31))
    write_derived(built.wb, found.derived, lang=lang)
    more = complete_answers(unit.basic_evaluation, found.derived, unit.code, 0, unit.basic_evaluation_mode, unit.period)
    put({cid: row for cid, row in more.items() if cid not in unit.basic_evaluation})


def _answer(key: str, value: Any, lang: i18n.Lang) -> Any:
    if key != "answer" or lang == "zh" or not isinstance(value, str):
        return value
    from icx.core.basic_evaluation.system import default_system

    answers = default_system().answers
    code = answers.code(value)
    return answers.label(code, "en") if code else value


def write_plain_register(unit: DemoUnit, path: str | Path) -> Path:
    m = default_methodology()
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = sheet_names("unit_info")[0]
    for r, (spec, value) in enumerate(
        zip(columns("unit_info"), (unit.name, unit.code, unit.period, unit.preparer, unit.contact, unit.email)), 1
    ):
        info.cell(row=r, column=1, value=spec.zh)
        info.cell(row=r, column=2, value=value)
    ws = wb.create_sheet(sheet_names("register")[0])
    header = [
        _header("id"),
        _header("area"),
        _header("process_step"),
        _header("description"),
        _header("category"),
        _header("cause"),
    ]
    header += [_header("likelihood_{n}", n) for n in range(1, ASSESSORS + 1)]
    header += [_header("impact_{n}", n) for n in range(1, ASSESSORS + 1)]
    header += [_header("response"), _header("controls"), _header("owner_department"), _header("owner")]
    rows = []
    for r in unit.risks:
        area = m.area(r.area)
        category = m.category(r.category)
        response = m.response(r.response)
        rows.append(
            [
                r.id,
                area.short_zh if area else r.area,
                r.step,
                r.description,
                category.name_zh if category else "",
                r.cause,
                *r.likelihood,
                *r.impact,
                response.name_zh if response else "",
                "；".join(r.controls),
                r.department,
                r.owner,
            ]
        )
    write_rows(ws, header, rows)
    return save_workbook(wb, path)
