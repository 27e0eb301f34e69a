"""Zip packages written part by part: parts copied as packed, stored as they are, or packed as they stream.

``zipfile`` adds a part only by packing it anew, and only with zlib. Where icx builds a package
from another one (the committee summary: XlsxWriter's package with the spooled table rows
spliced in), the parts that do not change are copied as they are packed, and the changed ones
are packed as their pieces come, with ``icx.io.deflate`` (ISA-L where installed).

Plain zip only: a part or a package of 4 GiB or more raises ``Zip64Needed`` (the caller then
uses zipfile, which writes zip64). ``values_package`` writes its stored packages with it.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from icx.io import deflate

LOCAL = struct.Struct("<IHHHHHIIIHH")  # local file header, before each part's data
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory entry
END = struct.Struct("<IHHHHIIH")  # end of central directory record
LOCAL_SIGNATURE, CENTRAL_SIGNATURE, END_SIGNATURE = 0x04034B50, 0x02014B50, 0x06054B50
VERSION = 20  # zip 2.0: deflate, no zip64
UTF8_NAMES = 0x800  # general-purpose flag: names are UTF-8
ZIP32_LIMIT = 0xFFFFFFFF  # sizes and offsets of a plain zip are below this
MAX_PARTS = 0xFFFF
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the time of a part that carries no real one


class Zip64Needed(Exception):
    """The package would need zip64 (a part or the whole of 4 GiB or more, or too many parts)."""


@dataclass
class _Entry:
    name: bytes
    flags: int
    method: int
    time: int
    date: int
    crc: int
    packed: int
    size: int
    offset: int
    external: int

    def local(self) -> bytes:
        return (
            LOCAL.pack(
                LOCAL_SIGNATURE,
                VERSION,
                self.flags,
                self.method,
                self.time,
                self.date,
                self.crc,
                self.packed,
                self.size,
                len(self.name),
                0,
            )
            + self.name
        )

    def central(self) -> bytes:
        made_by = (3 << 8 | VERSION) if self.external >> 16 else VERSION  # Unix permissions, if any
        return (
            CENTRAL.pack(
                CENTRAL_SIGNATURE,
                made_by,
                VERSION,
                self.flags,
                self.method,
                self.time,
                self.date,
                self.crc,
                self.packed,
                self.size,
                len(self.name),
                0,
                0,
                0,
                0,
                self.external,
                self.offset,
            )
            + self.name
        )


def packed_data(data: bytes | memoryview, info: zipfile.ZipInfo) -> memoryview:
    """A part's data as stored in the package ``data`` (after its local header), from its
    directory entry ``info``; ``zipfile.BadZipFile`` when the header or the data is not there."""
    view = memoryview(data)
    start = info.header_offset
    if view[start : start + 4] != LOCAL_SIGNATURE.to_bytes(4, "little"):
        raise zipfile.BadZipFile(f"{info.filename}: bad local header")
    name_length, extra_length = struct.unpack_from("<HH", view, start + 26)
    start += LOCAL.size + name_length + extra_length
    packed = view[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename}: truncated")
    return packed


def dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """(time, date) fields of a zip header for (year, month, day, hour, minute, second)."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (max(year, 1980) - 1980) << 9 | month << 5 | day


class PackageWriter:
    """Writes a zip package to ``out`` (a seekable binary file), one part after another;
    ``close`` adds the central directory. ``out`` stays open."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.entries: list[_Entry] = []

    def copy(self, info: zipfile.ZipInfo, packed: bytes | memoryview) -> None:
        """Add a part of another package as it is packed there: ``packed`` is its data as stored
        (``info.compress_size`` bytes), ``info`` its directory entry."""
        entry = self._entry(info.filename, info.date_time, info.external_attr, info.compress_type)
        entry.crc, entry.packed, entry.size = info.CRC, len(packed), info.file_size
        self._check(entry)
        self.out.write(entry.local())
        self.out.write(packed)

    def store(
        self, name: str, data: bytes, crc: int, date_time: tuple[int, int, int, int, int, int] = ZIP_EPOCH
    ) -> None:
        """Add a part stored as it is (not packed), whose CRC-32 ``crc`` is known."""
        entry = self._entry(name, date_time, 0, zipfile.ZIP_STORED)
        entry.crc, entry.packed, entry.size = crc, len(data), len(data)
        self._check(entry)
        self.out.write(entry.local())
        self.out.write(data)

    def deflate(
        self, name: str, date_time: tuple[int, int, int, int, int, int], external: int, pieces: Iterable[bytes]
    ) -> None:
        """Add a part whose content is ``pieces`` in order, packed as they come."""
        entry = self._entry(name, date_time, external, zipfile.ZIP_DEFLATED)
        self.out.write(entry.local())  # sizes and CRC are filled in once known
        packer, crc, size, packed = deflate.fast_deflater(), 0, 0, 0
        for piece in pieces:
            crc, size = deflate.crc32(piece, crc), size + len(piece)
            data = packer.compress(piece)
            packed += len(data)
            self.out.write(data)
        data = packer.flush()
        packed += len(data)
        self.out.write(data)
        entry.crc, entry.packed, entry.size = crc, packed, size
        self._check(entry)
        end = self.out.tell()
        self.out.seek(entry.offset)
        self.out.write(entry.local())
        self.out.seek(end)

    def close(self) -> None:
        start = self.out.tell()
        for entry in self.entries:
            self.out.write(entry.central())
        size = self.out.tell() - start
        if len(self.entries) > MAX_PARTS or start >= ZIP32_LIMIT or size >= ZIP32_LIMIT:
            raise Zip64Needed(f"{len(self.entries)} parts, directory at {start}")
        count = len(self.entries)
        self.out.write(END.pack(END_SIGNATURE, 0, 0, count, count, size, start, 0))

    def _entry(self, name: str, date_time: tuple[int, int, int, int, int, int], external: int, method: int) -> _Entry:
        raw = name.encode("utf-8")
        time, date = dos_time(date_time)
        flags = UTF8_NAMES if not name.isascii() else 0
        entry = _Entry(raw, flags, method, time, date, 0, 0, 0, self.out.tell(), external)
        self.entries.append(entry)
        return entry

    @staticmethod
    def _check(entry: _Entry) -> None:
        if max(entry.packed, entry.size, entry.offset) >= ZIP32_LIMIT:
            raise Zip64Needed(entry.name.decode("utf-8", "replace"))
