"""Safe output: files written atomically, text from unit files never written as a formula.

Every writer of an output goes through ``atomic_output``; every cell copied from a unit file is
written with ``put_value``. (Checks on the files units send are in ``icx.io.untrusted``.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from icx.core.errors import IcxError, Problem

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def put_value(cell: Any, value: Any) -> None:
    """Write ``value`` into an openpyxl cell; text is always stored as text.

    openpyxl turns any string starting with "=" into a formula. Text from a unit workbook
    (a risk description "=HYPERLINK(...)") must never run, so it is forced to a string cell and
    shows exactly as the unit typed it.
    """
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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
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
