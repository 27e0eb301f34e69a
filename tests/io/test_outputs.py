"""icx marks every workbook it derives from unit files, and knows its own outputs by that mark."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.io.outputs import mark_openpyxl, output_kind
from icx.io.save import save_workbook


def test_the_mark_survives_renaming_and_is_replaced_not_doubled(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    mark_openpyxl(wb, "scored")
    mark_openpyxl(wb, "feedback")
    path = save_workbook(wb, tmp_path / "a.xlsx")
    renamed = tmp_path / "FB001 单位报送.xlsx"
    shutil.copy(path, renamed)
    assert output_kind(renamed) == "feedback"
    assert len(openpyxl.load_workbook(renamed).custom_doc_props.props) == 1


def test_unmarked_and_non_workbook_files_are_not_outputs(tmp_path: Path) -> None:
    plain = save_workbook(openpyxl.Workbook(), tmp_path / "plain.xlsx")
    assert output_kind(plain) is None
    text = tmp_path / "x.xlsx"
    text.write_text("not a zip")
    assert output_kind(text) is None
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w") as zf:
        zf.writestr("docProps/custom.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><Properties>&a;</Properties>')
    assert output_kind(bomb) is None


def test_outputs_of_score_check_and_consolidate_are_marked(tmp_path: Path, unit_workbook: Path) -> None:
    runner = CliRunner()
    app = build_app()
    scored = tmp_path / "s.xlsx"
    runner.invoke(app, ["score", str(unit_workbook), "-o", str(scored)])
    checked = tmp_path / "c.xlsx"
    runner.invoke(app, ["check", "conflicts", str(unit_workbook), "-o", str(checked)])
    summary, feedback = tmp_path / "sum.xlsx", tmp_path / "fb"
    result = runner.invoke(app, ["consolidate", str(unit_workbook), "-o", str(summary), "-f", str(feedback)])
    assert result.exit_code in (0, 1), result.output
    assert output_kind(scored) == "scored"
    assert output_kind(checked) == "conflicts"
    assert output_kind(summary) == "summary"
    assert {output_kind(p) for p in feedback.iterdir()} == {"feedback"}
    assert output_kind(unit_workbook) is None


@pytest.fixture
def unit_workbook(tmp_path: Path) -> Path:
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook

    return write_unit_workbook(make_unit(0), tmp_path / "FB001.xlsx")
