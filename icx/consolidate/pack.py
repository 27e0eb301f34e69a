"""The committee pack: which sheets of the summary a meeting reads and which are the clerk's
appendix (附录), and the meeting PDF.

Decision (issue 18): ONE workbook, meeting sheets first, the appendix behind them. The appendix
sheets (the full 风险排序, 评分差异, 报送情况 (what became of every file and unit), 问题清单,
说明 with files and hashes) carry a grey tab and '附录 ·' in their page header, so a reader
sees where the pack ends. The meeting PDF (``icx consolidate --pdf``, ``icx email --pdf``) is
the same workbook printed with the appendix sheets hidden: a copy whose ``xl/workbook.xml``
marks them hidden (LibreOffice prints no hidden sheet); the workbook itself is never changed.
``icx email --pdf-full`` attaches every sheet.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path

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
_SHEET = re.compile(r"<sheet\b[^>]*?/>")
_NAME = re.compile(r'\bname="([^"]*)"')


def appendix_names() -> set[str]:
    """The appendix sheets' names in both languages (as XML-escaped in workbook.xml)."""
    names = set()
    for key in APPENDIX_KEYS:
        for name in sheet_names(key):
            names.add(name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))
    return names


def hide_appendix(xml: str) -> str:
    """``workbook.xml`` with every appendix sheet marked hidden."""
    names = appendix_names()

    def hidden(match: re.Match[str]) -> str:
        tag = match.group(0)
        name = _NAME.search(tag)
        if name is None or name.group(1) not in names or "state=" in tag:
            return tag
        return tag[:-2].rstrip() + ' state="hidden"/>'

    return _SHEET.sub(hidden, xml)


def meeting_copy(summary: str | Path, target: str | Path) -> Path:
    """A copy of ``summary`` at ``target`` with its appendix sheets hidden (every other part
    copied byte for byte)."""
    target = Path(target)
    with zipfile.ZipFile(summary) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == WORKBOOK_PART:
                data = hide_appendix(data.decode("utf-8")).encode("utf-8")
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
