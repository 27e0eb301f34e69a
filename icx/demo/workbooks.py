"""Write demo units as workbooks (a plain register: 单位信息 + 风险清单)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from icx.core.methodology import default_methodology
from icx.demo.data import ASSESSORS, DemoUnit
from icx.io.save import save_workbook
from icx.io.scored_copy import write_rows
from icx.io.table import columns, sheet_names


def _header(key: str, n: int | None = None) -> str:
    return next(s for s in columns("register") if s.key == key).header("zh", n)


def write_plain_register(unit: DemoUnit, path: str | Path) -> Path:
    m = default_methodology()
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = sheet_names("unit_info")[0]
    for r, (spec, value) in enumerate(zip(columns("unit_info"), (unit.name, unit.code, unit.period, unit.preparer, unit.contact, unit.email)), 1):
        info.cell(row=r, column=1, value=spec.zh)
        info.cell(row=r, column=2, value=value)
    ws = wb.create_sheet(sheet_names("register")[0])
    header = [_header("id"), _header("area"), _header("process_step"), _header("description"), _header("category"), _header("cause")]
    header += [_header("likelihood_{n}", n) for n in range(1, ASSESSORS + 1)]
    header += [_header("impact_{n}", n) for n in range(1, ASSESSORS + 1)]
    header += [_header("response"), _header("controls"), _header("owner_department"), _header("owner")]
    rows = []
    for r in unit.risks:
        area = m.area(r.area)
        category = m.category(r.category)
        response = m.response(r.response)
        rows.append([r.id, area.short_zh if area else r.area, r.step, r.description, category.name_zh if category else "",
                     r.cause, *r.likelihood, *r.impact, response.name_zh if response else "", "；".join(r.controls),
                     r.department, r.owner])
    write_rows(ws, header, rows)
    return save_workbook(wb, path)
