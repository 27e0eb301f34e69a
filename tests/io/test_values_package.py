"""The values-only package: calamine reads the same values from it as from the original file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.io import libreoffice
from icx.io.grid import fill_merged, load_grid
from icx.io.safety import Part, unpack_checked
from icx.io.values_package import values_package, without_formulas

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _calamine_grids(source: bytes | Path) -> dict[str, list[list[object]]]:
    """Every sheet of ``source`` as calamine reads it, merged cells filled as load_grid does."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        fill_merged(rows, list(sheet.merged_cell_ranges or []))
        grids[name] = rows
    return grids


def _same_values(path: Path) -> None:
    expected = _calamine_grids(path)
    lean = values_package(unpack_checked(path, path.read_bytes()) or {})
    assert _calamine_grids(lean) == expected
    assert {n: g.rows for n, g in load_grid(path).sheets.items()} == expected


def _with_sheet_xml(path: Path, sheet_xml: str) -> Path:
    """``path`` with its first worksheet replaced by ``sheet_xml``."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _blank_book(tmp_path: Path, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    wb = openpyxl.Workbook()
    wb.active.title = "风险清单"
    wb.save(path)
    return path


def test_formulas_are_dropped_and_cached_values_kept() -> None:
    xml = (
        b'<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c>'
        b'<c r="C1" t="str"><f aca="false">IF(A1&gt;1,"&lt;f&gt;","")</f><v>&lt;f&gt;</v></c>'
        b'<c r="D1"><f t="shared" ref="D1:D2" si="0">A1+1</f><v>3</v></c>'
        b'<c r="E1"><f t="shared" si="0"/><v>5</v></c><c r="F1"><f/></c></row>'
    )
    assert without_formulas(xml) == (
        b'<row r="1"><c r="A1"><v>2</v></c><c r="B1"><v>4</v></c>'
        b'<c r="C1" t="str"><v>&lt;f&gt;</v></c><c r="D1"><v>3</v></c><c r="E1"><v>5</v></c><c r="F1"></c></row>'
    )


@pytest.mark.parametrize(
    "xml",
    [
        b'<c r="A1" t="inlineStr"><is><t><![CDATA[<f>kept</f>]]></t></is></c><c r="B1"><f>1+1</f><v>2</v></c>',
        b"<c r=\"A1\"><f t='shared'>1+1</f><v>2</v></c>",  # single quotes: not a shape icx removes
        b'<c r="A1"><f>1+<x/>1</f><v>2</v></c>',  # markup inside: left for the parser
        b'<c r="A1"><fx>1</fx><v>2</v></c>',
        b'<c r="A1"><v>2</v></c>',
    ],
)
def test_anything_but_a_plain_formula_element_is_left_as_it_is(xml: bytes) -> None:
    assert without_formulas(xml) is xml


def test_the_package_is_a_valid_stored_zip_with_checked_crcs(tmp_path: Path) -> None:
    path = _blank_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active["A1"], wb.active["B1"], wb.active["C1"] = 2, "=A1*2", "说明"
    wb.save(path)
    parts = unpack_checked(path, path.read_bytes())
    assert parts is not None
    lean = values_package(parts)
    with zipfile.ZipFile(io.BytesIO(lean)) as zf:
        assert zf.testzip() is None  # every CRC right, the changed sheet's included
        assert [i.filename for i in zf.infolist()] == list(parts)
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
        for name, part in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                assert zf.read(name) == part.data
    assert _calamine_grids(lean) == _calamine_grids(path)


def test_a_part_whose_crc_is_wrong_makes_the_package_unreadable() -> None:
    # The parser checks CRCs: a package is only as good as the CRCs icx writes into it.
    sheet = Part(b'<worksheet xmlns="%s"><sheetData/></worksheet>' % MAIN_NS.encode(), 0)
    lean = values_package({"xl/worksheets/sheet1.xml": sheet})
    with zipfile.ZipFile(io.BytesIO(lean)) as zf:
        assert zf.testzip() == "xl/worksheets/sheet1.xml"


def test_shared_and_array_formulas_read_the_same(tmp_path: Path) -> None:
    sheet = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN_NS}"><sheetData>
<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c>
<c r="C1"><f t="array" ref="C1">SUM(A1:A3)</f><v>6</v></c><c r="D1" t="str"><f aca="false">"x"&amp;A1</f><v>x1</v></c></row>
<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c><c r="D3" t="b"><f>A3&gt;2</f><v>1</v></c></row>
</sheetData></worksheet>"""
    path = _with_sheet_xml(_blank_book(tmp_path), sheet)
    _same_values(path)
    assert load_grid(path).sheets["风险清单"].rows[1][1] == 4.0


CELL_TEXT = st.lists(
    st.sampled_from(list("<>/&\"'=f 风险ab1\n") + ["<f>", "</f>", "<![CDATA[", "]]>"]), max_size=8
).map("".join)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(CELL_TEXT, min_size=1, max_size=8))
def test_any_cell_text_beside_formulas_reads_the_same(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("prop") / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, text in enumerate(texts, start=1):
        ws.cell(row, 1).value = text
        ws.cell(row, 1).data_type = "s"  # text as text, even when it starts with '='
        ws.cell(row, 2).value = f'=IF(A{row}="","<f>",LEN(A{row}))'
        ws.cell(row, 3).value = row
    wb.save(path)
    _same_values(path)


def test_a_demo_unit_workbook_reads_the_same(tmp_path: Path) -> None:
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook

    path = write_unit_workbook(make_unit(3), tmp_path / "unit.xlsx")
    with zipfile.ZipFile(path) as zf:
        register = zf.read("xl/worksheets/sheet3.xml")
    assert len(re.findall(rb"<f[ >]", register)) > 100  # the template's scoring formulas are there (shared)
    _same_values(path)


@pytest.mark.libreoffice
def test_a_workbook_saved_by_libreoffice_with_cached_values_reads_the_same(tmp_path: Path) -> None:
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook

    source = write_unit_workbook(make_unit(5), tmp_path / "unit.xlsx")
    [saved] = libreoffice.recalculate([source], tmp_path / "recalculated")
    grids = _calamine_grids(saved)
    register = next(rows for name, rows in grids.items() if name.startswith("风险清单"))
    assert any(isinstance(v, float) for row in register[4:] for v in row[27:])  # cached values present
    _same_values(saved)


def test_a_big_package_is_read_as_it_came_with_the_same_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from icx.io import grid

    path = _blank_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active["A1"], wb.active["B1"] = 2, "=A1*2"
    wb.save(path)
    made: list[int] = []
    monkeypatch.setattr(grid, "values_package", lambda parts: made.append(1) or values_package(parts))
    lean = load_grid(path).sheets["风险清单"].rows
    monkeypatch.setattr(grid, "LEAN_PACKAGE_MAX_BYTES", 0)
    assert load_grid(path).sheets["风险清单"].rows == lean == _calamine_grids(path)["风险清单"]
    assert made == [1]  # the lean package was made for the first read only
