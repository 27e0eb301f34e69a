"""Safety rails for files from units: size limits, XML hardening, atomic output, no formula injection.

Every reader of an untrusted workbook calls ``check_workbook_file`` first; every writer of an
output goes through ``atomic_output``; every cell copied from a unit file is written with ``put_value``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

# openpyxl parses with defusedxml when it is importable (openpyxl.xml.DEFUSEDXML); importing it
# here makes the dependency explicit and fails loudly if the hardening is missing. (openpyxl
# itself is imported by ``xml_hardened`` only: the calamine readers do not need it.)
import defusedxml  # noqa: F401

from icx.core.errors import IcxError, Problem
from icx.io import deflate
from icx.io.zip_writer import packed_data

# Limits for one unit workbook. Real unit files are well under 5 MB; these stop zip bombs and
# absurd uploads before any parser touches them.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 5000
# Smaller files are unpacked in memory to check every part's CRC (and handed on unpacked);
# larger ones only get the directory checks, so a worker never holds hundreds of MB of parts.
UNPACK_IN_MEMORY_BYTES = 5 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx (and legacy .xls) are OLE files
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class Part(NamedTuple):
    """One unpacked part of a package and its (checked) CRC-32."""

    data: bytes
    crc: int


def xml_hardened() -> bool:
    """True when openpyxl parses with defusedxml (no entity expansion, no external entities)."""
    import openpyxl.xml

    return bool(getattr(openpyxl.xml, "DEFUSEDXML", False))


def check_workbook_file(path: str | Path, data: bytes | None = None) -> None:
    """Refuse files that are not a sane .xlsx/.xlsm zip before parsing them.

    ``data`` is the file's content when the caller has read it already (``read_untrusted``):
    the checks then run on it, with no second read. Raises ``IcxError`` with a bilingual
    message naming the file.
    """
    unpack_checked(path, read_untrusted(path) if data is None else data)


def unpack_checked(path: str | Path, data: bytes) -> dict[str, Part] | None:
    """Check ``data`` (the content of the workbook at ``path``) as ``check_workbook_file`` does
    and return its parts by name, unpacked and CRC-checked.

    Returns None for a file of ``UNPACK_IN_MEMORY_BYTES`` or more: its parts are not unpacked
    here (their sizes are still checked), and the parser reads the package itself.
    """
    name = str(path)
    size = len(data)
    if size > MAX_FILE_BYTES:
        raise IcxError(
            Problem.of("file_too_large", params={"size": _mb(size), "limit": _mb(MAX_FILE_BYTES)}, file=name)
        )
    if data.startswith(OLE_MAGIC):
        raise IcxError(Problem.of("file_encrypted_or_xls", file=name))
    package = io.BytesIO(data)
    if not zipfile.is_zipfile(package):
        raise IcxError(Problem.of("file_not_xlsx", file=name))
    parts: dict[str, Part] | None = None
    try:
        with zipfile.ZipFile(package) as zf:
            infos = zf.infolist()
            _check_sizes(infos, name)  # before anything is unpacked
            if size < UNPACK_IN_MEMORY_BYTES:
                parts = _unpack_verified(zf, infos, data)
    except (zipfile.BadZipFile, OSError, EOFError, *deflate.ERRORS, NotImplementedError, RuntimeError) as exc:
        raise IcxError(Problem.of("file_not_xlsx", file=name)) from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise IcxError(Problem.of("file_not_xlsx", file=name))
    return parts


def read_within_limit(path: str | Path) -> bytes | None:
    """The file's bytes, or None (nothing read) when it is larger than ``MAX_FILE_BYTES``.
    ``OSError`` passes through."""
    path = Path(path)
    return path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None


def read_untrusted(path: str | Path) -> bytes:
    """The content of an untrusted workbook, read once within the size limit (not yet checked:
    ``unpack_checked`` does that).

    Callers hash it, check it and hand it to the parser, so the file is read from disk only once.
    """
    path = Path(path)
    try:
        data = read_within_limit(path)
        if data is None:
            size = path.stat().st_size
            raise IcxError(
                Problem.of("file_too_large", params={"size": _mb(size), "limit": _mb(MAX_FILE_BYTES)}, file=str(path))
            )
    except OSError as exc:
        raise IcxError(
            Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=str(path))
        ) from exc
    return data


def _check_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse zip bombs from the directory alone: too many parts, a part too large or too
    compressed, too much in all."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IcxError(Problem.of("file_zip_bomb", params={"detail": f"{len(infos)} parts"}, file=name))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO):
            raise IcxError(
                Problem.of("file_zip_bomb", params={"detail": f"{info.filename}: {_mb(info.file_size)}"}, file=name)
            )
    if total > MAX_UNZIPPED_BYTES:
        raise IcxError(Problem.of("file_zip_bomb", params={"detail": f"{_mb(total)} unpacked"}, file=name))


def _unpack_verified(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], data: bytes) -> dict[str, Part]:
    """Every part unpacked, its size and CRC-32 checked (``BadZipFile`` on a mismatch).

    This check is what catches a flipped byte that still makes valid XML (a digit in a score):
    calamine reads the re-packed parts (``icx.io.values_package``), whose CRCs are taken from
    here. Runs after ``_check_sizes``, so what is unpacked is bounded.
    Deflated and stored parts are unpacked straight from ``data`` (a third of the time
    ``ZipFile.read`` takes, which matters over thousands of files); other methods through
    ``ZipFile.read``.
    """
    view = memoryview(data)
    parts: dict[str, Part] = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise zipfile.BadZipFile(f"{info.filename}: encrypted part")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            parts[info.filename] = Part(zf.read(info), info.CRC)  # ZipFile.read checks the CRC
            continue
        packed = packed_data(view, info)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = deflate.raw_inflater()
            unpacked = inflater.decompress(packed, info.file_size + 1)  # never more than announced
            if len(unpacked) != info.file_size or not inflater.eof:
                raise zipfile.BadZipFile(f"{info.filename}: size differs from the directory")
        else:
            unpacked = bytes(packed)
        if deflate.crc32(unpacked) != info.CRC:
            raise zipfile.BadZipFile(f"{info.filename}: bad CRC-32")
        parts[info.filename] = Part(unpacked, info.CRC)
    return parts


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


# Characters XML 1.0 (and so a workbook) cannot hold: C0 controls other than tab and line breaks,
# lone surrogates, and the two non-characters. A unit's text may carry them (pasted, or Excel's
# _x0001_ escapes decoded by the reader); icx drops them from everything it writes.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADER_FOOTER_LIMIT = 255  # Excel refuses a page header or footer longer than this, codes included


def writable_text(text: str) -> str:
    """``text`` without the characters a workbook cannot hold."""
    return _UNWRITABLE.sub("", text)


def page_header_title(title: str, room: int = HEADER_FOOTER_LIMIT - 40) -> str:
    """A title for a page header: writable, '&' escaped, cut with '…' so that the header with
    its formatting codes stays within Excel's limit."""
    text = writable_text(title).replace("&", "&&")
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    if cut.endswith("&") and not cut.endswith("&&"):
        cut = cut[:-1]  # never leave half of an escaped '&'
    return cut + "…"


def put_value(cell: Any, value: Any) -> None:
    """Write ``value`` into an openpyxl cell; text is always stored as text.

    openpyxl turns any string starting with "=" into a formula. Text from a unit workbook
    (a risk description "=HYPERLINK(...)") must never run, so it is forced to a string cell and
    shows exactly as the unit typed it, less the characters a workbook cannot hold.
    """
    if isinstance(value, str):
        value = writable_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        cell.data_type = "s"


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success rename it over ``target``.

    A crash leaves no half-written file. A target that cannot be replaced (open in Excel on
    Windows, read-only folder) gives a clear error and leaves the old file as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The temp name keeps a short start of the target's name (to be recognised if a crash leaves
    # it), never the whole: a long target name plus the decoration would pass the 255-byte limit.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:20]}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates the file readable by its owner only; the output should get the usual
    # permissions (the old file's, else those the umask gives), not stay private after the rename.
    os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise IcxError(
                Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(target))
            ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
