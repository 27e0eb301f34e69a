"""Raw deflate (the zip parts' packing) and CRC-32: ISA-L where it is installed, else zlib.

``isal`` (Intel's ISA-L) unpacks deflate streams about twice as fast as zlib, packs at its
fast levels three times as fast as zlib's level 1, and computes CRC-32 three times as fast,
with zlib's interface; unpacking gives the same bytes. Unpacking and checking every part of every
unit workbook is a sizeable share of a consolidation, and packing the summary's big tables a
sizeable share of writing it, so icx uses it where the platform has a wheel for it (x86-64 and
ARM64 Linux, Windows, macOS) and zlib elsewhere (LoongArch and other domestic desktops).
"""

from __future__ import annotations

import zlib
from typing import Any

try:
    from isal import isal_zlib as _impl

    ERRORS: tuple[type[Exception], ...] = (zlib.error, _impl.error)
    BACKEND = "isal"
    FAST_LEVEL = 2  # ISA-L's level 2 packs both faster and smaller than its level 1
except ImportError:  # no wheel for this platform: zlib does the same, slower
    _impl = zlib  # type: ignore[assignment]
    ERRORS = (zlib.error,)
    BACKEND = "zlib"
    FAST_LEVEL = 1


def crc32(data: Any, value: int = 0) -> int:
    """CRC-32 of ``data`` (bytes or a memoryview), continuing ``value``, as ``zlib.crc32``."""
    return _impl.crc32(data, value)


def fast_deflater() -> Any:
    """A compressor making a raw deflate stream at the backend's fast level, as
    ``zlib.compressobj(1, DEFLATED, -15)``: ``compress(data)``, then ``flush()``."""
    return _impl.compressobj(FAST_LEVEL, zlib.DEFLATED, -15)


def raw_inflater() -> Any:
    """A decompressor for a raw deflate stream (a zip part), as ``zlib.decompressobj(-15)``:
    ``decompress(data, max_length)`` and ``eof``. Errors are one of ``ERRORS``."""
    return _impl.decompressobj(-15)
