"""Table rows rendered to sheet XML (icx.consolidate.sheet_xml) and spliced into XlsxWriter's
package (icx.consolidate.xlsx_rows) read back exactly like cells XlsxWriter writes itself."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import python_calamine
import xlsxwriter

from icx.consolidate import xlsx_rows
from icx.consolidate.sheet_xml import RowRenderer, excel_serial, text_cell
from icx.consolidate.xlsx import Column, Styles, new_workbook, table
from icx.consolidate.xlsx_rows import write_value
from icx.core.methodology import default_methodology

AWKWARD = [
    "plain",
    "",
    " leading",
    "trailing ",
    "two\nlines",
    "x<y & z>",
    '=HYPERLINK("http://x")',
    "_x0041_",
    "bell\x07",
    "carriage\rreturn",
    "风险清单!H17",
    "\ufffe",
    "a" * 40000,
]
VALUES = [
    *AWKWARD,
    0,
    -3,
    12345678901234567890,
    1 / 3,
    2.5,
    float("nan"),
    None,
    True,
    False,
    dt.date(2026, 12, 31),
    dt.datetime(2026, 1, 2, 12, 30),
    np.float64(4.25),
    np.int64(7),
    np.float64("nan"),
]
COLUMNS = [Column("值", 12, "text"), Column("序号", 8, "integer"), Column("说明", 20, "wrap")]


# --- the renderer on its own ---------------------------------------------------------------------
def test_a_row_renders_as_sheet_xml_with_its_styles() -> None:
    row = RowRenderer([3, None, 5]).render(7, ["x<y & z>", 2.5, None])
    assert row == (
        '<row r="7"><c r="A7" s="3" t="inlineStr"><is><t>x&lt;y &amp; z&gt;</t></is></c>'
        '<c r="B7"><v>2.5</v></c><c r="C7" s="5"/></row>'
    )


def test_values_render_by_type() -> None:
    render = RowRenderer([None]).render
    assert render(1, ["=SUM(A1:A2)"]) == '<row r="1"><c r="A1" t="inlineStr"><is><t>=SUM(A1:A2)</t></is></c></row>'
    assert render(1, [" a "]) == '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c></row>'
    assert render(1, [True]) == '<row r="1"><c r="A1" t="inlineStr"><is><t>TRUE</t></is></c></row>'
    assert (
        render(1, [float("nan")])
        == render(1, [None])
        == render(1, [np.float64("nan")])
        == '<row r="1"><c r="A1"/></row>'
    )
    assert render(1, [np.int64(7)]) == render(1, [7]) == '<row r="1"><c r="A1"><v>7</v></c></row>'
    assert render(1, [1 / 3]) == '<row r="1"><c r="A1"><v>0.3333333333333333</v></c></row>'
    assert render(1, [dt.date(2026, 12, 31)]) == '<row r="1"><c r="A1"><v>46387</v></c></row>'
    assert excel_serial(dt.datetime(1900, 3, 1, 12)) == 61.5


def test_text_needing_excel_escapes_is_left_to_xlsxwriter() -> None:
    assert text_cell("_x0041_") is None and text_cell("two\r\nlines") is None
    assert RowRenderer([None, None]).render(3, ["plain", "_x0041_"]) is None
    assert text_cell("bell\x07\ufffe") == text_cell("bell")  # what no workbook can hold is dropped
    assert text_cell("a" * 40000) == text_cell("a" * 32767)  # Excel's limit, as XlsxWriter cuts


# --- spliced into a workbook ------------------------------------------------------------------------
def _rows() -> list[list[object]]:
    # Each value in the first column of a row of its own, beside a number and a text.
    return [[value, i, f"row {i}"] for i, value in enumerate(VALUES)]


def _spooled(path: Path) -> None:
    wb = new_workbook(path)
    styles = Styles.of(wb, default_methodology())
    ws = wb.add_worksheet("表")
    ws.write_string(0, 0, "title above the table", styles.title)
    first, last = table(ws, styles, 2, COLUMNS, _rows())
    write_value(ws, last + 1, 1, "合计 / total", styles.label)  # a row XlsxWriter writes below the table
    write_value(ws, last + 1, 2, len(VALUES), styles.integer)
    wb.add_worksheet("空表")  # a sheet with no spooled rows stays as XlsxWriter wrote it
    other = wb.add_worksheet("另一表")
    table(other, styles, 0, COLUMNS, [[1, 2, 3]])
    wb.close()


def _plain(path: Path) -> None:
    """The same workbook, every cell written by XlsxWriter itself."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    styles = Styles.of(wb, default_methodology())  # type: ignore[arg-type]
    formats = [getattr(styles, "wrap" if c.fmt == "text" else c.fmt) for c in COLUMNS]  # table() wraps text

    def plain_table(ws, top: int, rows: list[list[object]]) -> int:  # type: ignore[no-untyped-def]
        for c, col in enumerate(COLUMNS):
            ws.write_string(top, c, col.header, styles.header)
            ws.set_column(c, c, col.width)
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row):
                write_value(ws, r, c, value, formats[c])
        ws.autofilter(top, 0, top + len(rows), len(COLUMNS) - 1)
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
        return top + len(rows)

    ws = wb.add_worksheet("表")
    ws.write_string(0, 0, "title above the table", styles.title)
    last = plain_table(ws, 2, _rows())
    write_value(ws, last + 1, 1, "合计 / total", styles.label)
    write_value(ws, last + 1, 2, len(VALUES), styles.integer)
    wb.add_worksheet("空表")
    plain_table(wb.add_worksheet("另一表"), 0, [[1, 2, 3]])
    wb.close()


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("rows")
    plain, spooled = folder / "plain.xlsx", folder / "spooled.xlsx"
    _plain(plain)
    _spooled(spooled)
    return plain, spooled


def _cells(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [[(c.value, c.number_format, c.alignment.wrap_text) for c in row] for row in ws.iter_rows()]
        for ws in wb.worksheets
    }


def test_spooled_rows_read_back_like_xlsxwriter_cells(books: tuple[Path, Path]) -> None:
    plain, spooled = books
    assert _cells(spooled) == _cells(plain)


def test_values_survive_with_their_types(books: tuple[Path, Path]) -> None:
    _, spooled = books
    ws = openpyxl.load_workbook(spooled)["表"]
    got = [ws.cell(row=4 + i, column=1).value for i in range(len(VALUES))]
    for given, read in zip(VALUES, got):
        if isinstance(given, str) and given in ("bell\x07", "\ufffe", "carriage\rreturn"):
            continue  # dropped, or Excel's _xHHHH_ escapes: read back as openpyxl reads XlsxWriter's (first test)
        if isinstance(given, str):
            assert read == given[:32767] or (given == "" and read in ("", None))
        elif given is None or (isinstance(given, (float, np.floating)) and math.isnan(given)):
            assert read is None
        elif isinstance(given, bool):
            assert read == ("TRUE" if given else "FALSE")
        elif isinstance(given, dt.date):  # a date is its Excel serial number (shown by the column's format)
            moment = given if isinstance(given, dt.datetime) else dt.datetime.combine(given, dt.time())
            assert read == pytest.approx((moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400, rel=1e-15)
        else:
            assert read == pytest.approx(float(given), rel=1e-15)
    assert ws["B" + str(4 + len(VALUES))].value == "合计 / total"  # the row below the table kept its place
    assert ws.auto_filter.ref == f"A3:C{3 + len(VALUES)}"
    assert ws.dimensions == f"A1:C{4 + len(VALUES)}"


def test_text_is_never_a_formula_and_the_file_is_valid_for_other_readers(books: tuple[Path, Path]) -> None:
    _, spooled = books
    with zipfile.ZipFile(spooled) as z:
        assert z.testzip() is None
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in sheet
    rows = python_calamine.CalamineWorkbook.from_path(str(spooled)).get_sheet_by_name("表").to_python()
    assert rows[2 + 1 + AWKWARD.index('=HYPERLINK("http://x")')][0] == '=HYPERLINK("http://x")'
    assert rows[3][0] == "plain" and rows[3][1] == 0


def test_a_package_needing_zip64_is_written_with_zip64(
    books: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_rows, "ZIP64_FROM", 100)  # every spliced sheet "too large" for a plain zip
    big = tmp_path / "zip64.xlsx"
    _spooled(big)
    _, spooled = books
    assert _cells(big) == _cells(spooled)
    with zipfile.ZipFile(big) as z:
        assert z.testzip() is None
