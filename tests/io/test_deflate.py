"""``icx.io.deflate`` (ISA-L where installed) unpacks and checks exactly as zlib does."""

from __future__ import annotations

import platform
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.io import deflate


def _packed(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _inflate(stream: bytes, size: int) -> tuple[bytes, bool]:
    inflater = deflate.raw_inflater()
    return inflater.decompress(memoryview(stream), size + 1), inflater.eof


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.machine() not in ("x86_64", "aarch64"),
    reason="isal is a dependency only where it has wheels",
)
def test_isal_is_used_where_it_is_a_dependency() -> None:
    assert deflate.BACKEND == "isal"


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=5000) | st.text(max_size=3000).map(lambda t: (t * 7).encode()), level=st.integers(0, 9))
def test_a_part_unpacks_to_what_was_packed_with_the_same_crc(data: bytes, level: int) -> None:
    stream = _packed(data, level)
    assert _inflate(stream, len(data)) == (data, True)
    assert deflate.crc32(data) == zlib.crc32(data) == deflate.crc32(memoryview(data))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(min_size=1, max_size=3000), cut=st.integers(1, 50))
def test_a_truncated_part_is_never_complete(data: bytes, cut: int) -> None:
    stream = _packed(data, 6)
    try:
        out, eof = _inflate(stream[: max(0, len(stream) - cut)], len(data))
    except deflate.ERRORS:
        return
    assert not eof and out == data[: len(out)]


def test_garbage_is_an_error_or_incomplete() -> None:
    for garbage in (b"\xff" * 64, b"\x07" + bytes(range(256)), b"\x00\x05\x00\xfa\xffab"):
        try:
            out, eof = _inflate(garbage, 100)
        except deflate.ERRORS:
            continue
        assert not eof or len(out) != 100
