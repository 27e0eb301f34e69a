"""The grid reader: merged cells, hostile XML. (Hostile packages: test_hostile_files.py.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from icx.core.errors import IcxError
from icx.io.grid import load_grid
from icx.io.register import read_register

BOMB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_entity_bomb_in_a_sheet_is_refused_not_skipped(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "风险清单"
    wb.active["A1"] = "x"
    wb.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = BOMB.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)
    with pytest.raises(IcxError) as caught:
        load_grid(bomb)
    problem = caught.value.problem
    assert (problem.code, problem.file, problem.sheet) == ("sheet_unreadable", str(bomb), "风险清单")


def test_merged_cell_over_blank_rows_does_not_invent_rows(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    ws.append(["风险编号", "业务领域", "风险描述", "可能性", "影响程度"])
    ws.append(["YS-01", "预算", "编制依据不足", 3, 3])
    ws.append(["YS-02", None, "调整未审批", 4, 2])
    ws.append([None] * 5)
    ws.append([None] * 5)
    ws.merge_cells("B2:B5")  # the area cell spans two real rows and two empty ones
    wb.save(path)
    result = read_register(load_grid(path).sheet("风险清单"), file=str(path))
    assert [r.id for r in result.register.risks] == ["YS-01", "YS-02"]
    assert [r.area for r in result.register.risks] == ["budget", "budget"]
    assert result.errors == []
