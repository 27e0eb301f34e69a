"""`icx report annual` on the demo units: every table filled, each figure traced to its source cell."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.core.annual_report import default_spec
from icx.core.basic_evaluation.system import default_system
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.outputs import output_kind

RUN = CliRunner()
REF = re.compile(r"^(?P<sheet>[^!]+)!\$?(?P<first>[A-Z]{1,3}\$?\d+)(?::\$?(?P<last>[A-Z]{1,3}\$?\d+))?$")
UNITS = 4


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("annual")
    units = folder / "报送"
    units.mkdir()
    paths = {}
    for i in range(UNITS):
        unit = make_unit(i)
        paths[unit.code] = write_unit_workbook(unit, units / f"{unit.code}.xlsx")
    out = folder / "report.xlsx"
    result = RUN.invoke(app, ["report", "annual", str(units), "-o", str(out), "--as-of", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert f"{UNITS} 个单位" in result.output
    return out, units, paths


def _tables(wb) -> dict[str, openpyxl.worksheet.worksheet.Worksheet]:
    return {name: wb[name] for name in ("封面信息", "单位层面", "业务层面")}


def test_every_table_is_filled_for_every_unit(report) -> None:
    out, _, paths = report
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["说明", "封面信息", "单位层面", "业务层面", "数据来源", "待填写"]
    assert output_kind(out) == "report"
    spec = default_spec()
    expected_rows = {
        "封面信息": len(spec.fields_of("cover")),
        "单位层面": sum(len(spec.fields_of(s.key)) for s in spec.section if s.key != "cover"),
        "业务层面": sum(len(a.pairs) + 2 for a in spec.area),
    }
    for name, ws in _tables(wb).items():
        header = [c.value for c in ws[1]]
        assert header[:3] == ["序号", "项目", "汇总"] and len(header) == 3 + UNITS
        assert [h.split()[0] for h in header[3:]] == sorted(paths)
        items = [row for row in ws.iter_rows(min_row=2) if row[2].value is not None]
        assert len(items) == expected_rows[name], name
        for row in items:
            assert all(c.value not in (None, "") for c in row[3:]), (name, row[1].value)


def test_each_figure_names_its_source_cell_and_the_cell_holds_it(report) -> None:
    out, _, paths = report
    wb = openpyxl.load_workbook(out)
    answers = default_system().answers
    books = {code: openpyxl.load_workbook(path) for code, path in paths.items()}
    traced = 0
    sources = list(wb["数据来源"].iter_rows(min_row=2, values_only=True))
    by_unit_item = {(row[0], row[2], row[3]): row for row in sources}
    for name, ws in _tables(wb).items():
        codes = [h.split()[0] for h in [c.value for c in ws[1]][3:]]
        area = ""
        for row in ws.iter_rows(min_row=2):
            if row[2].value is None:
                area = str(row[0].value or "").split(". ", 1)[-1]
                continue
            for code, cell in zip(codes, row[3:]):
                if cell.value == "【待填写】":
                    assert cell.comment and "填写" in cell.comment.text
                    continue
                assert cell.comment and "来源" in cell.comment.text, (name, row[1].value)
                item = f"{area}：{row[1].value}" if name == "业务层面" else row[1].value
                source = by_unit_item[(code, name, item)]
                assert source[4] == cell.value
                refs = source[5].rstrip("…").split("；")
                assert refs and all(REF.match(ref) for ref in refs), source[5]
                for ref in refs:
                    found = REF.match(ref)
                    sheet = books[code][found["sheet"]]
                    first = sheet[found["first"]].value
                    assert first not in (None, ""), ref
                    if found["sheet"] == "基础性评价" and cell.value in ("是", "否", "不适用"):
                        assert answers.code(str(first)) == answers.code(cell.value), (ref, first, cell.value)
                    if found["sheet"] == "单位信息":
                        assert str(first) == str(cell.value)
                traced += 1
    assert traced == len(sources)
    assert traced > 40 * UNITS


def test_what_icx_cannot_know_is_marked_and_listed(report) -> None:
    out, _, _ = report
    wb = openpyxl.load_workbook(out)
    marked = 0
    for ws in _tables(wb).values():
        marked += sum(1 for row in ws.iter_rows(min_row=2) for c in row[3:] if c.value == "【待填写】")
    listed = list(wb["待填写"].iter_rows(min_row=2, values_only=True))
    assert marked == len(listed) > 0
    assert all(row[4] for row in listed), "each item to fill says why"
    assert any(row[3] == "组织机构代码" and "9位" in row[4] for row in listed)


def test_the_total_column_counts_the_unit_columns(report) -> None:
    out, _, _ = report
    ws = openpyxl.load_workbook(out)["业务层面"]
    checked = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[2] is None:
            continue
        values = row[3:]
        if any(v in ("已分离", "未分离") for v in values):
            assert row[2].startswith(f"已分离 {values.count('已分离')}，未分离 {values.count('未分离')}")
            checked += 1
        elif any(v in ("是", "否") for v in values):
            assert row[2].startswith(f"是 {values.count('是')}，否 {values.count('否')}")
            checked += 1
    assert checked > 10


def test_icx_outputs_in_the_folder_are_skipped(report, tmp_path: Path) -> None:
    out, units, _ = report
    (units / "old-report.xlsx").write_bytes(out.read_bytes())
    again = tmp_path / "again.xlsx"
    result = RUN.invoke(app, ["report", "annual", str(units), "-o", str(again), "--as-of", "2026-12-31"])
    (units / "old-report.xlsx").unlink()
    assert result.exit_code == 0 and f"{UNITS} 个单位" in result.output
    assert "已跳过" in result.output
    # the 说明 sheet lists it with how to fix it, wrapped and as tall as its text (issue 16)
    ws = openpyxl.load_workbook(again)["说明"]
    (cell,) = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "已跳过" in c.value]
    assert "怎么改" in cell.value and cell.alignment.wrap_text
    assert ws.cell(row=cell.row, column=1).value == "old-report.xlsx"
    assert ws.row_dimensions[cell.row].height >= 15
