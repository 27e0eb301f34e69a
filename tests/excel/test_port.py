"""The workbook port: the openpyxl adapter, and the pure parts of the xlwings adapter (what it
would write into Excel is computed here and checked). The xlwings adapter itself runs on the
contract engine in test_xlwings_contract.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

from icx.core.methodology import default_methodology
from icx.excel.port import plan_of, read_book, rgb, write_table
from icx.excel.port_openpyxl import OpenpyxlPort
from icx.excel.port_xlwings import _batches, _compact, _runs, as_excel_value, from_excel_value, same_sheet_name
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register
from icx.io.scored_copy import write_ranking

from .unitbooks import demo_unit_workbook


def test_reads_like_the_cli_until_a_sheet_is_written(tmp_path: Path) -> None:
    path = demo_unit_workbook(tmp_path, index=0)
    port = OpenpyxlPort.open(path)
    cli = load_grid(path)
    assert read_book(port).sheets.keys() == cli.sheets.keys()
    assert port.read_sheet("风险清单").rows == cli.sheets["风险清单"].rows
    port.write_column("风险清单", 0, {2: "=SUM(1,2)"})  # text that looks like a formula stays text
    assert port.wb["风险清单"]["A2"].data_type == "s"
    assert port.read_sheet("风险清单").rows[1][0] == "=SUM(1,2)"


def test_write_table_and_highlights(tmp_path: Path) -> None:
    port = OpenpyxlPort(openpyxl.Workbook())
    write_table(port, "表", ["编号", "说明"], [["A-1", "=1+1"], ["A-2", "好"]], widths=[8, 30])
    ws = port.wb["表"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["编号", "说明"], ["A-1", "=1+1"], ["A-2", "好"]]
    assert ws["B2"].data_type == "s" and ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 30
    ws["A3"].fill = PatternFill("solid", fgColor="00B0F0")
    port.highlight("表", ["A2", "B3"], "FFC7CE")
    port.clear_highlight("表", ["A2", "A3", "B3"], "FFC7CE")
    assert ws["A2"].fill.fill_type is None and ws["B3"].fill.fill_type is None
    assert ws["A3"].fill.fgColor.rgb.endswith("00B0F0")  # not ours: kept
    port.put_sheet("表", lambda wb: None)
    assert "表" not in port.wb.sheetnames


def test_the_plan_the_xlwings_adapter_follows(tmp_path: Path) -> None:
    path = demo_unit_workbook(tmp_path, index=2)
    m = default_methodology()
    result = read_register(find_register_sheet(load_grid(path)), m, file=str(path))
    wb = openpyxl.Workbook()
    ws = write_ranking(wb, result, m)
    plan = plan_of(ws)
    assert plan.values[0][0] == "排序" and len(plan.values) == len(result.register.risks) + 1
    assert set(plan.bold) >= {f"{letter}1" for letter in "ABCDEFGHIJKLM"}
    level_colors = {lv.color.upper() for lv in m.risk_levels}
    assert level_colors & set(plan.fills)
    level_cells = {c for color in level_colors for c in plan.fills.get(color, [])}
    assert level_cells and all(c[0] in "IJ" for c in level_cells)  # the level and the residual level
    # widths come from the content, each under its cap (the description's is 48): the plan keeps them
    assert plan.widths["E"] == ws.column_dimensions["E"].width and 20 < plan.widths["E"] <= 48
    assert plan.freeze == "A2" and plan.autofilter.startswith("A1:N")


def test_xlwings_adapter_helpers() -> None:
    assert list(_runs([2, 3, 4, 7, 9, 10])) == [(2, 4), (7, 7), (9, 10)]
    assert list(_runs([])) == []
    assert _compact(["D3", "D2", "D4", "B7", "D9", "D2"]) == ["D2:D4", "D9", "B7"]
    cells = [f"A{i}" for i in range(1, 200)]
    batches = list(_batches(cells))
    assert all(len(b) <= 200 for b in batches) and ",".join(batches).split(",") == cells
    assert as_excel_value("=HYPERLINK(1)") == "'=HYPERLINK(1)" and as_excel_value("0107") == "'0107"
    assert as_excel_value("一级") == "'一级" and as_excel_value(3) == 3 and as_excel_value("") == ""
    assert from_excel_value(Decimal("12000.5")) == 12000.5 and isinstance(from_excel_value(Decimal("1")), float)
    assert same_sheet_name("Problems", "problems") and not same_sheet_name("问题清单", "Problems")
    assert rgb("FFC7CE") == (255, 199, 206) and rgb("FF00B0F0") == (0, 176, 240)


def test_xlwings_adapter_knows_the_saved_files_merged_ranges(tmp_path: Path) -> None:
    """Excel lists merged ranges only cell by cell; the adapter reads them from the saved file."""
    from types import SimpleNamespace

    from icx.excel.port_xlwings import XlwingsPort
    from icx.io.grid import fill_merged

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    ws["A2"] = "预算"
    ws.merge_cells("A2:A4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    port = XlwingsPort(SimpleNamespace(fullname=str(path), name=path.name))
    merged = port._merged_ranges("风险清单")
    assert merged == [((1, 0), (3, 0))]
    rows = [[None], ["预算"], [None], [None]]
    fill_merged(rows, merged)
    assert rows == [[None], ["预算"], ["预算"], ["预算"]]
    assert XlwingsPort(SimpleNamespace(fullname="Book1", name="Book1"))._merged_ranges("x") == []  # never saved
