"""`icx check rotation | authority | treatment | all` on demo unit workbooks: findings, cells named
and marked, exit codes, the input untouched; every demo unit shows every kind of finding."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.core.findings import KINDS
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.grid import load_grid
from icx.io.oversight import CHECKS, all_findings, context, run_checks

AS_OF = dt.date(2026, 12, 31)
runner = CliRunner()


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("units")
    return [write_unit_workbook(make_unit(i), folder / f"unit-{i}.xlsx") for i in range(6)]


def _findings(path: Path):
    ctx = context(load_grid(path), file=str(path), as_of=AS_OF)
    return run_checks(ctx)


@pytest.mark.parametrize("index", range(6))
def test_every_demo_unit_shows_every_kind_of_finding(units: list[Path], index: int) -> None:
    results = _findings(units[index])
    kinds = {f.kind for f in all_findings(results)}
    assert kinds == {k for check in CHECKS for k in KINDS[check]}
    assert all(r.ran for r in results.values())
    # nothing wrong with the demo's cells: every problem would be a demo bug
    assert [p.render() for r in results.values() for p in r.problems] == []


def test_findings_name_their_cells(units: list[Path]) -> None:
    results = _findings(units[0])
    for f in all_findings(results):
        assert f.sources, f
    plan = next(f for f in results["treatment"].findings if f.kind == "plan_incomplete")
    assert all(s.startswith("风险清单!") for s in plan.sources) and len(plan.sources) == len(plan.fields)
    over = next(f for f in results["authority"].findings if f.kind == "approval_over_limit")
    assert over.sources[0].startswith("支出审批记录!")
    cashier = next(f for f in results["rotation"].findings if f.kind == "rotation_overdue")
    assert cashier.post == "出纳" and cashier.due == dt.date(2026, 1, 1)


@pytest.mark.parametrize("check", ["rotation", "authority", "treatment"])
def test_each_check_writes_its_sheet_and_exits_1_on_findings(units: list[Path], tmp_path: Path, check: str) -> None:
    source = units[1]
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    target = tmp_path / f"{check}.xlsx"
    result = runner.invoke(app, ["check", check, str(source), "--as-of", "2026-12-31", "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(target)
    sheet = {"rotation": "轮岗检查", "authority": "授权检查", "treatment": "应对与审定"}[check]
    assert sheet in wb.sheetnames
    assert "检查基准日：2026-12-31" in result.output


def test_check_all_writes_every_result_sheet_and_marks_cells(units: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "all.xlsx"
    result = runner.invoke(
        app, ["check", "all", str(units[2]), "--as-of", "2026-12-31", "-o", str(target), "--lang", "en"]
    )
    assert result.exit_code == 1, result.output
    wb = openpyxl.load_workbook(target)
    for name in ("Conflicts", "Evaluation results", "Rotation check", "Authority check", "Treatment and sign-off"):
        assert name in wb.sheetnames
    findings = all_findings(_findings(units[2]))
    sheet, _, cell = next(f for f in findings if f.kind == "plan_incomplete").sources[0].rpartition("!")
    assert wb[sheet][cell].fill.fgColor.rgb.endswith("FFC7CE")


def test_a_workbook_with_nothing_to_check_exits_2(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "随便"
    wb.active["A1"] = "你好"
    wb.save(tmp_path / "empty.xlsx")
    result = runner.invoke(app, ["check", "rotation", str(tmp_path / "empty.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_the_workbooks_as_of_date_is_the_default(units: list[Path], tmp_path: Path) -> None:
    from icx.templates.layout import fill_rows  # noqa: F401  (the template's own as-of cell)

    wb = openpyxl.load_workbook(units[3])
    sheet, ref = next(iter(wb.defined_names["icx_as_of"].destinations))
    wb[sheet][ref.replace("$", "")].value = dt.datetime(2025, 12, 31)
    path = tmp_path / "dated.xlsx"
    wb.save(path)
    result = runner.invoke(app, ["check", "treatment", str(path), "-o", str(tmp_path / "t.xlsx")])
    assert "检查基准日：2025-12-31" in result.output


def test_the_ranking_shows_the_residual_level_beside_the_inherent_one(units: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "scored.xlsx"
    assert runner.invoke(app, ["score", str(units[0]), "-o", str(out)]).exit_code in (0, 1)
    ws = openpyxl.load_workbook(out)["风险识别排序表"]
    heads = [c.value for c in ws[1]]
    assert heads.index("剩余风险等级") == heads.index("风险等级") + 1
    residual = [r[heads.index("剩余风险等级")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {"一级", "二级", "三级"} & set(residual)


def test_an_english_unit_workbook_shows_every_kind_too(tmp_path: Path) -> None:
    path = write_unit_workbook(make_unit(2), tmp_path / "en.xlsx", lang="en")
    results = _findings(path)
    assert len({f.kind for f in all_findings(results)}) == 9
    assert [p.render() for r in results.values() for p in r.problems] == []
