"""An Excel error value in a cell is reported at its cell (never read as blank); a score cell
merged across data rows is reported and its value not copied into the other rows' scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from icx.consolidate import consolidate
from icx.io.grid import load_grid
from icx.io.register import read_register

HEADER = ["风险编号", "业务领域", "风险描述", "评估人1可能性", "评估人1影响程度", "评估人2可能性", "评估人2影响程度"]


def register(path: Path, rows: list[list], merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    for row in [HEADER, *rows]:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_error_values_are_reported_at_their_cells(tmp_path: Path) -> None:
    path = register(
        tmp_path / "e.xlsx",
        [
            ["R1", "预算", "a", 3, 3, "#DIV/0!", 4],
            ["R2", "预算", "b", "#N/A", 2, 2, 2],
            ["R3", "预算", "c", 2, 2, 4, 4],
        ],
    )
    book = load_grid(path)
    assert book.errors == [("风险清单", "F2", "#DIV/0!"), ("风险清单", "D3", "#N/A")]
    result = read_register(book.sheets["风险清单"], file=str(path))
    cells = {(p.cell, p.given) for p in result.problems if p.severity == "error"}
    assert ("F2", "#DIV/0!") in cells and ("D3", "#N/A") in cells
    assert [r.id for r in result.register.risks] == ["R3"]  # never graded from the other assessor alone


def test_consolidation_lists_every_error_cell(tmp_path: Path) -> None:
    register(tmp_path / "e.xlsx", [["R1", "预算", "#REF!", 3, 3, 2, 2]])
    c = consolidate([tmp_path], as_of=dt.date(2026, 12, 31))
    found = [(p.code, p.sheet, p.cell, p.given) for p in c.problems() if p.code == "cell_error_value"]
    assert found == [("cell_error_value", "风险清单", "C2", "#REF!")]


def test_merged_score_cells_are_reported_not_copied(tmp_path: Path) -> None:
    path = register(
        tmp_path / "m.xlsx",
        [["R1", "预算", "a", 3, 5, 3, 5], ["R2", "预算", "b", 1, None, 1, 1], ["R3", "预算", "c", 2, None, 2, 2]],
        merge="E2:E4",
    )
    book = load_grid(path)
    result = read_register(book.sheets["风险清单"], file=str(path))
    merged = [(p.cell, p.params["range"]) for p in result.problems if p.code == "score_cell_merged"]
    assert merged == [("E3", "E2:E4"), ("E4", "E2:E4")]
    assert [r.id for r in result.register.risks] == ["R1"]  # R2, R3 left out, not given R1's impact 5


def test_merged_area_cells_still_fill_down(tmp_path: Path) -> None:
    path = register(
        tmp_path / "a.xlsx",
        [["R1", "预算", "a", 3, 3, 3, 3], ["R2", None, "b", 2, 2, 2, 2]],
        merge="B2:B3",
    )
    result = read_register(load_grid(path).sheets["风险清单"], file=str(path))
    assert [r.id for r in result.register.risks] == ["R1", "R2"]
    assert not [p for p in result.problems if p.severity == "error"]
