"""Raw-deflate unpacking and CRC-32 for the package checks: ISA-L where it is installed.

``isal`` (Intel's ISA-L) unpacks deflate streams about twice as fast as zlib and computes
CRC-32 three times as fast, with zlib's interface and the same results. Unpacking and checking
every part of every unit workbook is a sizeable share of a consolidation, so icx uses it where
the platform has a wheel for it (x86-64 and ARM64 Linux, Windows, macOS) and zlib elsewhere
(LoongArch and other domestic desktops).
"""

from __future__ import annotations

import zlib
from typing import Any

try:
    from isal import isal_zlib as _impl

    ERRORS: tuple[type[Exception], ...] = (zlib.error, _impl.error)
    BACKEND = "isal"
except ImportError:  # no wheel for this platform: zlib does the same, slower
    _impl = zlib  # type: ignore[assignment]
    ERRORS = (zlib.error,)
    BACKEND = "zlib"


def crc32(data: Any) -> int:
    """CRC-32 of ``data`` (bytes or a memoryview), as ``zlib.crc32``."""
    return _impl.crc32(data)


def raw_inflater() -> Any:
    """A decompressor for a raw deflate stream (a zip part), as ``zlib.decompressobj(-15)``:
    ``decompress(data, max_length)`` and ``eof``. Errors are one of ``ERRORS``."""
    return _impl.decompressobj(-15)
