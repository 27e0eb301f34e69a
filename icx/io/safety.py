"""Safe output: files written atomically, text from unit files never written as a formula.

Every writer of an output goes through ``atomic_output``; every cell copied from a unit file is
written with ``put_value``. (Checks on the files units send are in ``icx.io.untrusted``.)
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from icx.core.errors import IcxError, Problem

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n")


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
        try:
            yield tmp
        except OSError as exc:  # disk full, file too large, permission: nothing was written
            raise IcxError(
                Problem.of("output_write_failed", params={"detail": exc.strerror or str(exc)}, file=str(target))
            ) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise IcxError(
                Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(target))
            ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
