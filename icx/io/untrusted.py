"""Checks on a file a unit sent, before and after a parser reads it.

``read_untrusted`` reads the file once, within the size limit; ``check_directory`` refuses what
the zip directory alone shows to be no workbook or a zip bomb (too many parts, a part too large
or packed too densely, too much in all), before anything is unpacked; ``check_parts`` unpacks
every part with ``zipfile`` within its declared size and checks its CRC-32 (handing back the
parts a caller asks for, so nothing is unpacked twice). ``icx.io.grid`` runs
them around python-calamine, the one parser of unit files.

Why icx checks the CRCs itself: calamine checks a part's CRC only when it reads the part to its
end, and it stops reading a worksheet once it has the cells, so a digit changed on the way in a
typical sheet would be read as another number (tests/io/test_hostile_files.py proves both).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

# openpyxl parses with defusedxml when it is importable (``openpyxl.xml.DEFUSEDXML``), which is
# how the scored copy (``icx.io.scored_copy``) reads a unit's file safely; importing it here makes
# the dependency explicit and fails loudly if the hardening is missing.
import defusedxml  # noqa: F401

from icx.core.errors import IcxError, Problem

# Limits for one unit workbook. Real unit files are well under 5 MB; these stop zip bombs and
# absurd uploads before any parser touches them.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_PART_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 5000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and encrypted .xlsx are OLE files
# An encrypted .xlsx is an OLE file holding an 'EncryptionInfo' stream (its name, in the OLE
# directory, in UTF-16); a .xls holds a 'Workbook' stream instead.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def is_ole(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def is_encrypted_package(data: bytes) -> bool:
    """An OOXML package encrypted with a password (an OLE file with an EncryptionInfo stream)."""
    return is_ole(data) and ENCRYPTION_STREAM in data


def read_untrusted(path: str | Path) -> bytes:
    """The content of an untrusted workbook, read once within the size limit (not yet checked).

    Callers hash it, check it and hand it to the parser, so the file is read from disk only once.
    """
    path = Path(path)
    try:
        data = read_within_limit(path)
        if data is None:
            raise IcxError(_too_large(path.stat().st_size, str(path)))
    except OSError as exc:
        raise IcxError(
            Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=str(path))
        ) from exc
    return data


def read_within_limit(path: str | Path) -> bytes | None:
    """The file's bytes, or None (nothing read) when it is larger than ``MAX_FILE_BYTES``.
    ``OSError`` passes through."""
    path = Path(path)
    return path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None


def check_directory(data: bytes, file: str) -> None:
    """Refuse ``data`` (the content of ``file``) unless it is a zip whose directory describes a
    sane workbook (.xlsx, .xlsm, .xlsb or .ods): not too big, not encrypted, no zip bomb, the parts
    every workbook has. (A .xls is no zip: ``icx.io.grid`` sends it to calamine directly.)"""
    if len(data) > MAX_FILE_BYTES:
        raise IcxError(_too_large(len(data), file))
    if is_ole(data):
        raise IcxError(Problem.of("file_encrypted_or_xls", file=file))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise IcxError(Problem.of("file_not_xlsx", file=file)) from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise IcxError(Problem.of("file_zip_bomb", params={"detail": f"{len(infos)} parts"}, file=file))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO):
            raise IcxError(
                Problem.of("file_zip_bomb", params={"detail": f"{info.filename}: {_mb(info.file_size)}"}, file=file)
            )
    if total > MAX_UNZIPPED_BYTES:
        raise IcxError(Problem.of("file_zip_bomb", params={"detail": f"{_mb(total)} unpacked"}, file=file))
    names = {info.filename for info in infos}
    ooxml = "[Content_Types].xml" in names and any(n.startswith("xl/workbook") for n in names)
    ods = "mimetype" in names and "content.xml" in names  # OpenDocument (LibreOffice, WPS)
    if not (ooxml or ods):
        raise IcxError(Problem.of("file_not_xlsx", file=file))


def check_parts(data: bytes, file: str, keep: Callable[[str, bytes], bool] | None = None) -> dict[str, bytes]:
    """Unpack every part of ``data`` (checked by ``check_directory``) and check its CRC-32;
    return the parts for which ``keep(name, content)`` is true (by name), so a caller that needs
    a part's bytes does not unpack it a second time.

    ``zipfile`` unpacks no more than a part's declared size (which ``check_directory`` bounded)
    and raises on a CRC that does not match; one part is held at a time. An encrypted part or an
    unknown packing method is refused too.
    """
    kept: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                content = zf.read(info)  # BadZipFile on a CRC-32 or size that does not match
                if keep is not None and keep(info.filename, content):
                    kept[info.filename] = content
    except Exception as exc:  # BadZipFile, zlib.error, RuntimeError (an encrypted part), NotImplementedError
        raise IcxError(Problem.of("file_not_xlsx", file=file)) from exc
    return kept


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _too_large(size: int, file: str) -> Problem:
    return Problem.of("file_too_large", params={"size": _mb(size), "limit": _mb(MAX_FILE_BYTES)}, file=file)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
