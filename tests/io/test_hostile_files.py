"""Hostile and damaged workbooks: each is refused with the problem code a user should see.

A file a unit sends may be truncated, damaged on the way, not a workbook at all, or built to
exhaust the machine. ``load_grid`` (the one read path) must refuse every such file with a
problem naming it, and with the code that says what is wrong: a bomb reads as a bomb, a damaged
or truncated file as a broken file, never as "malformed XML".
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from icx.core.errors import IcxError
from icx.io import untrusted
from icx.io.grid import MAX_ROWS, PAST_DECLARED_SIZE, load_grid

SHEET = "xl/worksheets/sheet1.xml"


def _openpyxl_book(path: Path) -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 4
    wb.active["A2"] = "较高"
    wb.save(path)
    return path.read_bytes()


def _xlsxwriter_book(path: Path) -> bytes:
    """As Excel lays a sheet out: cells first, then merged ranges, margins and page setup, with
    text in the shared-strings part."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet")
    ws.write("A1", 4)
    ws.write("A2", "较高")
    ws.merge_range("C1:D2", "合并")
    ws.set_landscape()
    wb.close()
    return path.read_bytes()


def _stored(data: bytes) -> bytes:
    """The same package with every part stored (uncompressed), so a byte can be flipped in place."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    return out.getvalue()


def _entry(data: bytearray, name: str, header: bytes) -> int:
    """Offset of the local (``PK\\x03\\x04``) or central (``PK\\x01\\x02``) header of part ``name``."""
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local, central = zf.getinfo(name).header_offset, zf.start_dir
    at = local if header == b"PK\x03\x04" else central
    while data[at + 46 : at + 46 + len(name.encode())] != name.encode() and header == b"PK\x01\x02":
        at = data.index(header, at + 4)  # the central entries, one after another
    assert data[at : at + 4] == header
    return at


def _patched(data: bytes, name: str, field: str, value: int) -> bytes:
    """``data`` with the ``field`` ('crc' or 'size': the unpacked size) of part ``name`` set to
    ``value`` in both its local and its central header; the packed data itself is intact."""
    out = bytearray(data)
    central = {"crc": 16, "size": 24}[field]
    for header, offset in ((b"PK\x01\x02", central), (b"PK\x03\x04", central - 2)):
        at = _entry(out, name, header) + offset
        out[at : at + 4] = value.to_bytes(4, "little")
    return bytes(out)


def _flipped(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    """``data`` (stored) with the first ``old`` inside part ``name`` replaced by ``new`` (same length)."""
    out = bytearray(data)
    at = out.index(old, _entry(out, name, b"PK\x03\x04"))
    out[at : at + len(old)] = new
    return bytes(out)


def _rezipped(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


# Each case: how the file is made from a good openpyxl workbook's bytes, and the code expected.
def _text(_: bytes) -> bytes:
    return "单位名称,风险编号\n".encode()


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _tail_cut(good: bytes) -> bytes:
    return good[:-10]  # the end of the central directory is gone


def _ole(_: bytes) -> bytes:
    return untrusted.OLE_MAGIC + b"\0" * 1024


def _many_parts(good: bytes) -> bytes:
    parts = _parts(good)
    parts.update({f"xl/media/x{i}.bin": b"" for i in range(untrusted.MAX_ZIP_ENTRIES)})
    return _rezipped(parts, zipfile.ZIP_STORED)


def _dense_part(good: bytes) -> bytes:
    parts = _parts(good)
    parts["xl/media/zeros.bin"] = b"\0" * (2 * 1024 * 1024)  # packs ~1000:1
    return _rezipped(parts)


def _declared_huge(good: bytes) -> bytes:
    return _patched(good, SHEET, "size", untrusted.MAX_PART_BYTES + 1)


def _inflates_past_declared(good: bytes) -> bytes:
    return _patched(good, SHEET, "size", 10)


def _wrong_crc(good: bytes) -> bytes:
    return _patched(good, SHEET, "crc", 0x12345678)


def _flipped_deflate(good: bytes) -> bytes:
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    # Near the stream's end: the part still unpacks to its declared size, with another CRC-32. (A
    # flip further in may make the stream unpack past its declared size: refused as a zip bomb,
    # since nothing tells such a stream from one.)
    data[start + info.compress_size - 2] ^= 0x01
    return bytes(data)


def _flipped_digit(good: bytes) -> bytes:
    return _flipped(_stored(good), SHEET, b"<v>4</v>", b"<v>9</v>")


def _encrypted_part(good: bytes) -> bytes:
    data = bytearray(good)
    for header, offset in ((b"PK\x01\x02", 8), (b"PK\x03\x04", 6)):
        at = _entry(data, SHEET, header) + offset
        data[at] |= 0x01  # "this part is encrypted" (traditional PKWARE encryption)
    return bytes(data)


def _no_content_types(good: bytes) -> bytes:
    parts = _parts(good)
    del parts["[Content_Types].xml"]
    return _rezipped(parts)


def _no_workbook(good: bytes) -> bytes:
    parts = _parts(good)
    del parts["xl/workbook.xml"]
    return _rezipped(parts)


def _too_many_rows(good: bytes) -> bytes:
    parts = _parts(good)
    parts[SHEET] = parts[SHEET].replace(b'<c r="A1"', f'<c r="A{MAX_ROWS + 5}"'.encode(), 1)
    parts[SHEET] = parts[SHEET].replace(b'<row r="1"', f'<row r="{MAX_ROWS + 5}"'.encode(), 1)
    return _rezipped(parts)


def _bad_xml(good: bytes) -> bytes:
    parts = _parts(good)
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b"<row><c></sheetData>", 1)
    return _rezipped(parts)


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "text file": (_text, "file_not_xlsx"),
    "truncated download": (_truncated, "file_not_xlsx"),
    "last bytes cut": (_tail_cut, "file_not_xlsx"),
    "encrypted workbook (OLE)": (_ole, "file_encrypted_or_xls"),
    "too many parts": (_many_parts, "file_zip_bomb"),
    "a part packed too densely": (_dense_part, "file_zip_bomb"),
    "a part declared too large": (_declared_huge, "file_zip_bomb"),
    "a part inflating past its declared size": (_inflates_past_declared, "file_zip_bomb"),
    "a wrong CRC-32": (_wrong_crc, "file_not_xlsx"),
    "a flipped byte in a packed part": (_flipped_deflate, "file_not_xlsx"),
    "a flipped digit in a stored part": (_flipped_digit, "file_not_xlsx"),
    "an encrypted part": (_encrypted_part, "file_not_xlsx"),
    "no [Content_Types].xml": (_no_content_types, "file_not_xlsx"),
    "no workbook part": (_no_workbook, "file_not_xlsx"),
    "a sheet of absurd size": (_too_many_rows, "file_zip_bomb"),
    "malformed sheet XML": (_bad_xml, "sheet_unreadable"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_with_the_right_code(tmp_path: Path, case: str) -> None:
    make, code = CASES[case]
    good = _openpyxl_book(tmp_path / "good.xlsx")
    assert load_grid(tmp_path / "good.xlsx").sheets["Sheet"].rows[0] == [4]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make(good))
    with pytest.raises(IcxError) as caught:
        load_grid(bad)
    problem = caught.value.problem
    assert (problem.code, problem.file) == (code, str(bad))
    assert problem.message_zh and problem.message_en


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlsx"
    _openpyxl_book(path)
    monkeypatch.setattr(untrusted, "MAX_FILE_BYTES", 1024)
    with pytest.raises(IcxError) as caught:
        load_grid(path)
    assert caught.value.problem.code == "file_too_large"


@pytest.mark.parametrize("make", [_openpyxl_book, _xlsxwriter_book], ids=["openpyxl", "xlsxwriter"])
def test_a_flipped_digit_in_shared_or_sheet_text_is_refused(tmp_path: Path, make: Callable[[Path], bytes]) -> None:
    """Whatever the writer's layout, a digit changed on the way is refused, not read as another number."""
    good = _stored(make(tmp_path / "good.xlsx"))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_flipped(good, SHEET, b"<v>4</v>", b"<v>9</v>"))
    with pytest.raises(IcxError) as caught:
        load_grid(bad)
    assert caught.value.problem.code == "file_not_xlsx"


# --- what python-calamine checks by itself ---------------------------------------------------------
def _calamine_cells(data: bytes) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    finally:
        book.close()


def test_calamine_refuses_a_part_that_unpacks_past_its_declared_size(tmp_path: Path) -> None:
    """It stops unpacking at the declared size, which the directory checks bounded: a bomb that
    lies in the directory cannot make it unpack more."""
    bad = _inflates_past_declared(_openpyxl_book(tmp_path / "good.xlsx"))
    with pytest.raises(python_calamine.XmlError, match=PAST_DECLARED_SIZE):
        _calamine_cells(bad)


def test_calamine_refuses_a_wrong_crc_and_a_flipped_byte_in_a_part_it_reads_to_the_end(tmp_path: Path) -> None:
    good = _openpyxl_book(tmp_path / "good.xlsx")  # a small sheet: calamine reads all of it
    for bad in (_wrong_crc(good), _flipped_digit(good)):
        with pytest.raises(python_calamine.XmlError, match="Invalid checksum"):
            _calamine_cells(bad)
    with pytest.raises(python_calamine.XmlError, match="corrupt deflate stream"):
        _calamine_cells(_flipped_early(good))


def _flipped_early(good: bytes) -> bytes:
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        info = zf.getinfo(SHEET)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5] ^= 0x01
    return bytes(data)


def test_calamine_does_not_check_the_crc_of_a_sheet_it_stops_reading_early(tmp_path: Path) -> None:
    """Why icx checks every CRC itself (``icx.io.untrusted.check_parts``): calamine stops reading a
    worksheet once it has the cells, so the CRC at the part's end is never compared, and a digit
    changed on the way reads as another number. Should calamine start refusing this file, the
    check in icx can go."""
    good = _stored(_xlsxwriter_book(tmp_path / "good.xlsx"))
    assert _calamine_cells(good)["Sheet"][0][0] == 4
    changed = _flipped(good, SHEET, b"<v>4</v>", b"<v>9</v>")
    assert _calamine_cells(changed)["Sheet"][0][0] == 9  # read silently


def test_openpyxl_parses_with_defusedxml() -> None:
    """The scored copy reads a unit's file with openpyxl: no entity expansion there either."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
