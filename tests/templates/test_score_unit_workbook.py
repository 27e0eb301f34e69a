"""`icx score` on a unit workbook: graded with the workbook's own 参数设置 (unless --methodology),
input untouched, the template's formulas kept in the copy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from icx.cli.app import app
from icx.templates import Sizes, build, save_template
from icx.templates.layout import fill_rows

runner = CliRunner()


def _unit(tmp_path: Path) -> Path:
    built = build(
        "unit", "zh", sizes=Sizes(register_rows=6, control_rows=2, duty_rows=2, duty_rule_rows=2, transaction_rows=2)
    )
    fill_rows(
        built.wb["风险清单"],
        built.placements["register"],
        [
            {"id": "SZ-01", "area": "收支", "description": "超标准报销", "likelihood_1": 2, "impact_1": 5},
            {"id": "YS-01", "area": "预算", "description": "预算调整未审批", "likelihood_1": 3, "impact_1": 2},
        ],
    )
    sheet, ref = next(iter(built.wb.defined_names["icx_matrix"].destinations))
    built.wb[sheet][ref.replace("$", "")][3][4].value = "一级"  # likelihood 2 × impact 5: 二级 → 一级
    built.wb["单位信息"]["B3"], built.wb["单位信息"]["B4"] = "某单位", "X01"
    return save_template(built, tmp_path / "unit.xlsx")


def _levels(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["风险识别排序表"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return {r[header.index("风险编号")]: r[header.index("风险等级")] for r in rows[1:]}


def test_the_workbook_grades_itself_and_keeps_its_formulas(tmp_path: Path) -> None:
    source = _unit(tmp_path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "scored.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert _levels(out) == {"SZ-01": "一级", "YS-01": "三级"}
    original, copy = openpyxl.load_workbook(source)["风险清单"], openpyxl.load_workbook(out)["风险清单"]
    formulas = [
        (c.coordinate, c.value)
        for row in original.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert formulas and all(copy[coord].value == text for coord, text in formulas)


def test_a_methodology_file_overrides_the_sheet(tmp_path: Path) -> None:
    source = _unit(tmp_path)
    default = tmp_path / "default.toml"
    assert runner.invoke(app, ["methodology", "export", str(default)]).exit_code == 0
    out = tmp_path / "scored.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(out), "--methodology", str(default)])
    assert result.exit_code == 0, result.output
    assert _levels(out)["SZ-01"] == "二级"
