"""A unit whose 参数设置 sheet changes the level matrix is graded with its own matrix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from icx.consolidate import consolidate, write_summary
from icx.core.methodology import default_methodology
from icx.demo.data import make_unit
from icx.io.specs import sheet_names
from icx.templates.build import build, save_template
from icx.templates.layout import fill_rows


def unit_workbook(path: Path, code: str, matrix: list[list[int]] | None) -> Path:
    m = default_methodology()
    if matrix is not None:
        m = m.override({"matrix": {"levels": matrix}})
    built = build("unit", methodology=m)
    info = built.wb[built.sheets["unit_info"]]
    info[built.unit_cells["unit_code"]] = code
    info[built.unit_cells["unit_name"]] = f"单位{code}"
    demo = make_unit(0)
    rows = []
    for r in demo.risks:
        row = {"id": r.id, "area": m.area(r.area).short_zh, "description": r.description}
        row.update({f"likelihood_{n}": v for n, v in enumerate(r.likelihood, start=1)})
        row.update({f"impact_{n}": v for n, v in enumerate(r.impact, start=1)})
        rows.append(row)
    fill_rows(built.wb[built.sheets["register"]], built.placements["register"], rows)
    return save_template(built, path)


def test_each_unit_graded_with_its_own_matrix(tmp_path: Path) -> None:
    everything_level1 = [[1] * 5 for _ in range(5)]
    unit_workbook(tmp_path / "own.xlsx", "OWN01", everything_level1)
    unit_workbook(tmp_path / "std.xlsx", "STD01", None)
    result = consolidate([tmp_path], as_of=dt.date(2026, 12, 31), jobs=1)
    own, std = (next(u for u in result.units if u.unit_code == code) for code in ("OWN01", "STD01"))
    assert own.methodology_custom and not std.methodology_custom
    assert own.risks and all(r.level == 1 for r in own.risks)
    assert {r.level for r in std.risks} == {1, 2, 3}
    assert [r.score for r in own.risks] == [r.score for r in std.risks]  # same data, same scores
    summary = write_summary(result, tmp_path / "out" / "committee.xlsx")
    wb = openpyxl.load_workbook(summary)
    heat = [v for row in wb[sheet_names("summary_heatmap")[0]].iter_rows(values_only=True) for v in row]
    assert "OWN01" in heat and "STD01" not in heat  # listed as grading with its own methodology
