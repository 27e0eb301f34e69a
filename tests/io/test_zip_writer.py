"""``icx.io.zip_writer``: packages written part by part read back with zipfile, byte for byte."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.io import zip_writer
from icx.io.zip_writer import PackageWriter, Zip64Needed, packed_data

WHEN = (2026, 11, 23, 17, 30, 58)


def _source() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", WHEN), b"<Types/>" * 50)
        stored = zipfile.ZipInfo("xl/media/image1.png", WHEN)
        z.writestr(stored, bytes(range(256)) * 4, compress_type=zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("xl/工作表.xml", WHEN), "<中文/>".encode() * 10)
    return buffer.getvalue()


def test_copied_parts_keep_their_packed_bytes_and_streamed_parts_read_back(tmp_path: Path) -> None:
    source = _source()
    target = tmp_path / "out.zip"
    with zipfile.ZipFile(io.BytesIO(source)) as src, target.open("wb") as out:
        writer = PackageWriter(out)
        for info in src.infolist():
            writer.copy(info, packed_data(source, info))
        writer.deflate(
            "xl/worksheets/sheet1.xml", WHEN, 0o644 << 16, [b"<sheetData>", b"<row/>" * 1000, b"</sheetData>"]
        )
        writer.close()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(target) as out:
        assert out.testzip() is None
        assert out.namelist() == [*src.namelist(), "xl/worksheets/sheet1.xml"]
        for info in src.infolist():
            copied = out.getinfo(info.filename)
            assert out.read(info) == src.read(info)
            assert (copied.compress_type, copied.CRC, copied.compress_size) == (
                info.compress_type,
                info.CRC,
                info.compress_size,
            )
            assert copied.date_time == (2026, 11, 23, 17, 30, 58)
        assert out.read("xl/worksheets/sheet1.xml") == b"<sheetData>" + b"<row/>" * 1000 + b"</sheetData>"
        streamed = out.getinfo("xl/worksheets/sheet1.xml")
        assert streamed.compress_type == zipfile.ZIP_DEFLATED and streamed.compress_size < streamed.file_size
        assert streamed.external_attr == 0o644 << 16
        assert out.getinfo("xl/工作表.xml").flag_bits & zip_writer.UTF8_NAMES


@settings(max_examples=50, deadline=None)
@given(pieces=st.lists(st.binary(max_size=3000), max_size=8))
def test_any_pieces_stream_into_a_valid_part(pieces: list[bytes]) -> None:
    buffer = io.BytesIO()
    writer = PackageWriter(buffer)
    writer.deflate("part.bin", WHEN, 0, pieces)
    writer.close()
    with zipfile.ZipFile(buffer) as z:
        assert z.testzip() is None
        assert z.read("part.bin") == b"".join(pieces)


def test_a_part_too_large_for_a_plain_zip_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_writer, "ZIP32_LIMIT", 1000)
    writer = PackageWriter(io.BytesIO())
    with pytest.raises(Zip64Needed):
        writer.deflate("big.xml", WHEN, 0, [b"x" * 2000])


def test_a_truncated_package_has_no_part_data() -> None:
    source = _source()
    with zipfile.ZipFile(io.BytesIO(source)) as src:
        last = src.infolist()[-1]
    with pytest.raises(zipfile.BadZipFile):
        packed_data(source[: last.header_offset + 40], last)
    with pytest.raises(zipfile.BadZipFile):
        packed_data(source[: last.header_offset] + b"XX" + source[last.header_offset + 2 :], last)
