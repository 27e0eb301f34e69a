"""`icx check basic-evaluation`: the scorecard with every deduction listed, in the console and in a copy."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.basic_evaluation_sheet import evaluate_book
from icx.io.grid import load_grid
from icx.templates import build, save_template

RUN = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("be-check")
    return [write_unit_workbook(make_unit(i), folder / f"unit{i}.xlsx") for i in range(3)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_copy_lists_every_deduction_and_refreshes_the_derived_answers(
    demo: list[Path], index: int, tmp_path: Path
) -> None:
    source = demo[index]
    before = _sha(source)
    out = tmp_path / "checked.xlsx"
    result = RUN.invoke(app, ["check", "basic-evaluation", str(source), "-o", str(out), "--as-of", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert _sha(source) == before, "the input must not change"
    card = evaluate_book(load_grid(source), as_of=dt.date(2026, 12, 31), file=str(source)).scorecard
    assert f"总分 {card.score:g}" in result.output
    for c in card.deductions:
        assert c.id in result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["基础性评价结果"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    listed = {row[0] for row in cells if row[0] in {c.id for c in card.deductions} and isinstance(row[3], (int, float))}
    assert listed == {c.id for c in card.deductions}
    assert any(
        row[0] == "换算后得分" and row[2] == (round(card.converted, 2) if card.converted % 1 else int(card.converted))
        for row in cells
    )
    for c in card.overrides:
        assert any(row[0] == c.id and row[6] for row in cells), c.id
    # the copy's derived column holds icx's answers, so its formulas score what the core scores
    sheet = wb["基础性评价"]
    layout = build("unit").basic_evaluation
    derived = {cid: sheet[f"{layout.table.letters['derived']}{r}"].value for cid, r in layout.rows.items()}
    assert derived["1.3.1"] == "是" and derived["5.1.2"] == "是"


def test_unreadable_answers_give_exit_1_and_name_their_cells(tmp_path: Path) -> None:
    built = build("unit")
    layout = built.basic_evaluation
    ws = built.wb[built.sheets["basic_evaluation"]]
    ws[f"{layout.table.letters['answer']}{layout.rows['1.1.1']}"] = "大概"
    ws[f"{layout.table.letters['answer']}{layout.rows['6.1.1']}"] = "不适用"
    source = save_template(built, tmp_path / "unit.xlsx")
    result = RUN.invoke(app, ["check", "basic-evaluation", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    assert f"基础性评价!{layout.table.letters['answer']}{layout.rows['1.1.1']}" in result.output
    assert "6.1.1不允许填“不适用”" in result.output


def test_a_workbook_without_the_sheet(tmp_path: Path) -> None:
    built = build("register")
    source = save_template(built, tmp_path / "register.xlsx")
    result = RUN.invoke(app, ["check", "basic-evaluation", str(source), "--lang", "en"])
    assert result.exit_code == 1
    assert "no 'Basic evaluation'" in result.output


def test_a_corrected_indicator_file_reaches_the_template_and_the_check(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "icx/data/basic_evaluation.toml").read_text(encoding="utf-8")
    fixed = text.replace("edges = [0.05, 0.10], points = [4, 2, 0]", "edges = [0.03, 0.08], points = [4, 1, 0]")
    system = tmp_path / "basic_evaluation.toml"
    system.write_text(fixed, encoding="utf-8")
    out = tmp_path / "templates"
    result = RUN.invoke(app, ["templates", "build", "-o", str(out), "--lang", "zh", "--system", str(system)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out / "单位工作簿.xlsx")
    ws = wb["基础性评价"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 0.03 in values and 0.08 in values
    # the unit answers 7.2 with 6%: 1 point by the corrected bands, in the check as in the file
    layout = build("unit").basic_evaluation
    ws[f"{layout.table.letters['answer']}{layout.rows['7.2.1']}"] = 0.06
    unit = tmp_path / "unit.xlsx"
    wb.save(unit)
    result = RUN.invoke(
        app, ["check", "basic-evaluation", str(unit), "--system", str(system), "-o", str(tmp_path / "o.xlsx")]
    )
    assert "7.2.1" in result.output and "得3分" not in result.output
    checked = openpyxl.load_workbook(tmp_path / "o.xlsx")["基础性评价结果"]
    rows = {r[0]: r for r in checked.iter_rows(values_only=True) if r[0] == "7.2.1"}
    assert rows["7.2.1"][3] == 3  # 4 points, 1 earned


def test_the_sheets_own_total_rows_are_not_reported(tmp_path: Path) -> None:
    """The 合计 row under the per-indicator totals is the template's, not a skipped entry (issue 16's
    row_skipped note is for rows a unit writes among its entries); a 备注 row among the criteria is
    said once and the criteria under it are still read."""
    from icx.core.basic_evaluation.system import default_system
    from icx.io.basic_evaluation_sheet import find_basic_evaluation_sheet, read_answers

    def answers(path: Path):
        return read_answers(find_basic_evaluation_sheet(load_grid(path)), default_system(), str(path))

    built = build("unit")
    layout = built.basic_evaluation
    fresh = answers(save_template(built, tmp_path / "unit.xlsx"))
    assert not [p for p in fresh.problems if p.code == "row_skipped"]
    assert set(fresh.rows) == {c.id for c in default_system().criteria}

    ws = built.wb[built.sheets["basic_evaluation"]]
    middle = layout.rows["6.1.1"]
    ws.insert_rows(middle)
    ws[f"{layout.table.letters['id']}{middle}"] = "备注：以下为业务层面"
    noted = answers(save_template(built, tmp_path / "unit2.xlsx"))
    assert [p.cell for p in noted.problems if p.code == "row_skipped"] == [f"A{middle}"]
    assert set(noted.rows) == set(fresh.rows)
    assert not [p for p in noted.problems if p.code == "basic_evaluation_criterion_missing"]
