"""icx's own outputs carry a mark, so that a folder holding them is never read as submissions.

Every workbook icx derives from unit files (the committee summary, scored copies, checked
copies, feedback workbooks, trend and report workbooks) gets a custom document property
``icx.output`` naming its kind. Consolidation skips a marked file and lists it as skipped; the
mark survives renaming and moving, which a file-name rule (``X.scored.xlsx``) would not. The
standard templates and the demo's unit workbooks are inputs and carry no mark.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

PROPERTY = "icx.output"
KINDS = frozenset({"summary", "scored", "feedback", "conflicts", "evaluation", "checked", "trend", "report"})
CUSTOM_PART = "docProps/custom.xml"
MAX_CUSTOM_PART_BYTES = 1 << 20  # a real custom.xml is a few hundred bytes
_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def mark_openpyxl(wb: Any, kind: str) -> None:
    """Mark an openpyxl workbook as an icx output of ``kind`` (an earlier mark is replaced)."""
    from openpyxl.packaging.custom import StringProperty

    _check(kind)
    props = wb.custom_doc_props
    for existing in [p for p in props.props if p.name == PROPERTY]:
        props.props.remove(existing)
    props.append(StringProperty(name=PROPERTY, value=kind))


def mark_xlsxwriter(wb: Any, kind: str) -> None:
    """Mark an XlsxWriter workbook as an icx output of ``kind``."""
    _check(kind)
    wb.set_custom_property(PROPERTY, kind)


def output_kind(path: str | Path, data: bytes | None = None) -> str | None:
    """The kind of icx output ``path`` is, or None for any other file (including files that are
    not zip packages at all: their own reader says what is wrong with them)."""
    try:
        source: Any = io.BytesIO(data) if data is not None else Path(path)
        with zipfile.ZipFile(source) as package:
            try:
                info = package.getinfo(CUSTOM_PART)
            except KeyError:
                return None
            if info.file_size > MAX_CUSTOM_PART_BYTES:
                return None
            root = ElementTree.fromstring(package.read(info))
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, EOFError, RuntimeError):
        return None
    except Exception:  # noqa: BLE001 — defusedxml refusing hostile XML: not an icx output
        return None
    for prop in root:
        if prop.get("name") == PROPERTY:
            value = prop.find(f"{_VT}lpwstr")
            kind = (value.text or "").strip() if value is not None else ""
            return kind if kind in KINDS else None
    return None


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}; one of {sorted(KINDS)}")
