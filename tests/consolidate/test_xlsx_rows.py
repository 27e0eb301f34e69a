"""Spooled table rows (icx.consolidate.xlsx_rows) read back exactly like cells XlsxWriter writes."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import python_calamine

from icx.consolidate.xlsx import Column, Styles, new_workbook, put, table
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


def _rows() -> list[list[object]]:
    # Each value in the first column of a row of its own, beside a number and a text.
    return [[value, i, f"row {i}"] for i, value in enumerate(VALUES)]


def _write(path: Path, spooled: bool) -> None:
    wb = new_workbook(path)
    styles = Styles.of(wb, default_methodology())
    if not spooled:
        styles = Styles(**{**styles.__dict__, "book": None})
    ws = wb.add_worksheet("表")
    ws.write_string(0, 0, "title above the table", styles.title)
    cols = [Column("值", 12, "text"), Column("序号", 8, "integer"), Column("说明", 20, "wrap")]
    first, last = table(ws, styles, 2, cols, _rows())
    put(ws, last + 1, 1, "合计 / total", styles.label)  # a row XlsxWriter writes below the table
    put(ws, last + 1, 2, len(VALUES), styles.integer)
    wb.add_worksheet("空表")  # a sheet with no spooled rows stays as XlsxWriter wrote it
    other = wb.add_worksheet("另一表")
    table(other, styles, 0, cols, [[1, 2, 3]])
    wb.close()


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("rows")
    plain, spooled = folder / "plain.xlsx", folder / "spooled.xlsx"
    _write(plain, spooled=False)
    _write(spooled, spooled=True)
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
        if isinstance(given, str) and given in ("bell\x07", "\ufffe"):
            continue  # Excel's _xHHHH_ escapes: read back as openpyxl reads XlsxWriter's (first test)
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


def test_a_package_needing_zip64_is_spliced_by_zipfile(
    books: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icx.io import zip_writer

    monkeypatch.setattr(zip_writer, "ZIP32_LIMIT", 100)  # every part "too large" for a plain zip
    fallback = tmp_path / "zip64.xlsx"
    _write(fallback, spooled=True)
    _, spooled = books
    assert _cells(fallback) == _cells(spooled)
    with zipfile.ZipFile(fallback) as z:
        assert z.testzip() is None
