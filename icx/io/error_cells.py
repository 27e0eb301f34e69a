"""Excel error values (#DIV/0!, #N/A, #VALUE!…) in an .xlsx/.xlsm, found at their cells.

python-calamine gives an error cell back as a blank, so a score cell holding #DIV/0! would read
as "not scored" and the risk would be graded from the other assessors without a word. This
module reads the error cells straight from the sheet XML (only sheets that hold any: a quick
byte search while ``icx.io.untrusted.check_parts`` unpacks the package anyway), so
``icx.io.grid`` can put the error text back in the cell and the readers report it where it is.
(A .xls or .ods gives no such mark to calamine or to this module.)
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from defusedxml import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def holds_errors(name: str, content: bytes) -> bool:
    """Whether the package part ``name`` is a worksheet with at least one error cell (a quick byte
    search; ``icx.io.untrusted.check_parts`` keeps such parts while it checks the package)."""
    return name.startswith("xl/worksheets/") and b't="e"' in content


def error_cells(data: bytes, sheets: dict[str, bytes]) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → {(row, col) 0-based: '#DIV/0!'} for every error cell of the package ``data``
    (already checked by ``icx.io.untrusted``), given its worksheet parts that hold any (part name →
    XML, as ``holds_errors`` picks them); {} when there is none or the package is not OOXML."""
    if not sheets:
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return {}
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except Exception:  # noqa: BLE001 — a package the parser refused is reported by the parser
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        xml = sheets.get(part)
        if xml is None:
            continue
        try:
            found = _errors_in(xml)
        except Exception:  # noqa: BLE001 — calamine read this sheet; a part it could not parse is its to report
            continue
        if found:
            out[sheet.get("name", "")] = found
    return out


def _errors_in(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) 0-based → the error text of every cell of type ``e`` in one sheet's XML (parsed
    with defusedxml, element by element: only sheets that hold an error get here)."""
    found: dict[tuple[int, int], str] = {}
    for _, cell in ElementTree.iterparse(io.BytesIO(xml), events=("end",), forbid_dtd=True):
        if cell.tag != f"{_MAIN}c":
            if cell.tag == f"{_MAIN}row":
                cell.clear()  # a row's cells are done with: memory stays one row deep
            continue
        if cell.get("t") != "e":
            continue
        ref, value = _REF.fullmatch(cell.get("r", "")), cell.findtext(f"{_MAIN}v")
        if ref and value:
            found[(int(ref.group(2)) - 1, _index(ref.group(1)))] = value
    return found
