"""The committee pack: which sheets of the summary a meeting reads and which are the clerk's
appendix (附录), and the meeting PDF.

Decision (issue 18): ONE workbook, meeting sheets first, the appendix behind them. The appendix
sheets (the full 风险排序, 评分差异, 报送情况 (what became of every file and unit), 问题清单,
说明 with files and hashes) carry a grey tab and '附录 ·' in their page header, so a reader
sees where the pack ends. The meeting PDF (``icx consolidate --pdf``, ``icx email --pdf``) is
the same workbook printed with the appendix sheets hidden: a copy whose ``xl/workbook.xml`` (parsed
and written back as XML) marks them hidden, every other part (charts included) copied byte for
byte (LibreOffice prints no hidden sheet); the workbook itself is never changed.
``icx email --pdf-full`` attaches every sheet.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from icx.io import libreoffice
from icx.io.safety import atomic_output
from icx.io.specs import sheet_names

# Sheet keys (``sheets.toml``) of the appendix, in the order they follow the meeting sheets.
APPENDIX_KEYS: tuple[str, ...] = (
    "summary_ranking",
    "summary_findings",
    "summary_submissions",
    "problems",
    "summary_notes",
)
APPENDIX_TAB = "#A6A6A6"
WORKBOOK_PART = "xl/workbook.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def appendix_names() -> set[str]:
    """The appendix sheets' names in both languages."""
    return {name for key in APPENDIX_KEYS for name in sheet_names(key)}


def hide_appendix(xml: bytes) -> bytes:
    """``workbook.xml`` with every appendix sheet marked hidden (a sheet already hidden or very
    hidden keeps its state). Parsed with defusedxml (the summary is icx's own, but every XML icx
    reads goes through it) and written back with the document's own namespace prefixes."""
    prefixes = {prefix: uri for _, (prefix, uri) in SafeET.iterparse(io.BytesIO(xml), events=("start-ns",))}
    root = SafeET.fromstring(xml)
    names = appendix_names()
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("name") in names and sheet.get("state", "visible") == "visible":
            sheet.set("state", "hidden")
    for prefix, uri in prefixes.items():
        ET.register_namespace(prefix, uri)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def meeting_copy(summary: str | Path, target: str | Path) -> Path:
    """A copy of ``summary`` at ``target`` with its appendix sheets hidden (every other part
    copied byte for byte)."""
    target = Path(target)
    with zipfile.ZipFile(summary) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == WORKBOOK_PART:
                data = hide_appendix(data)
            dst.writestr(info, data)
    return target


def summary_pdf(summary: str | Path, target: str | Path, *, full: bool = False, timeout: float = 180.0) -> Path:
    """The summary printed to ``target`` (written atomically): the meeting sheets, or every sheet
    with ``full``. Raises ``libreoffice.LibreOfficeError`` when LibreOffice fails."""
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="icx-pack-") as tmp:
        source = Path(tmp) / "in" / "summary.xlsx"
        source.parent.mkdir()
        if full:
            shutil.copyfile(summary, source)
        else:
            meeting_copy(summary, source)
        [pdf] = libreoffice.to_pdf([source], Path(tmp) / "out", timeout=timeout)
        with atomic_output(target) as out:
            shutil.copyfile(pdf, out)
    return target
