"""The meeting PDF (``icx.consolidate.pack``): the summary printed with its appendix sheets hidden
in a copy — the PDF holds only the meeting sheets, charts included; the workbook on disk is the
same bytes before and after."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from defusedxml import ElementTree

from icx.consolidate.pack import MAIN_NS, WORKBOOK_PART, hide_appendix, meeting_copy, summary_pdf
from icx.io.specs import sheet_names
from tests.print.pdf_pages import pages

APPENDIX = sheet_names("problems")[0]  # 问题清单
NOTES = sheet_names("summary_notes")[1]  # the English name of 说明: both languages are the appendix
MEETING = ("概览", "R&D <部门> 风险")  # a name that must be escaped in XML stays a meeting sheet
CHART_TITLE = "各级风险数量"


def summary(path: Path) -> Path:
    """A small summary as XlsxWriter writes one: meeting sheets (the first with a chart), then the
    appendix, one sheet already hidden."""
    wb = xlsxwriter.Workbook(str(path))
    overview = wb.add_worksheet(MEETING[0])
    overview.write_row(0, 0, ["等级", "数量"])
    overview.write_column(1, 0, ["一级", "二级", "三级"])
    overview.write_column(1, 1, [3, 5, 8])
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": [MEETING[0], 1, 0, 3, 0], "values": [MEETING[0], 1, 1, 3, 1]})
    chart.set_title({"name": CHART_TITLE, "name_font": {"name": "Microsoft YaHei"}})
    overview.insert_chart("D2", chart)
    wb.add_worksheet(MEETING[1]).write(0, 0, "会议页")
    wb.add_worksheet(APPENDIX).write(0, 0, "附录问题")
    wb.add_worksheet(NOTES).write(0, 0, "appendix notes")
    hidden = wb.add_worksheet("helper")
    hidden.write(0, 0, "hidden helper")
    hidden.hide()
    wb.close()
    return path


def states(xml: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    return {s.get("name"): s.get("state", "visible") for s in root.iter(f"{{{MAIN_NS}}}sheet")}


def test_only_the_appendix_sheets_are_hidden_and_the_rest_of_the_xml_is_kept(tmp_path: Path) -> None:
    with zipfile.ZipFile(summary(tmp_path / "s.xlsx")) as z:
        xml = z.read(WORKBOOK_PART)
    out = hide_appendix(xml)
    assert states(out) == {
        MEETING[0]: "visible",
        MEETING[1]: "visible",
        APPENDIX: "hidden",
        NOTES: "hidden",
        "helper": "hidden",
    }
    assert b'r:id="rId1"' in out and b"xmlns:r=" in out  # the relationships prefix as Excel writes it
    before, after = ElementTree.fromstring(xml), ElementTree.fromstring(out)
    assert [e.tag for e in before.iter()] == [e.tag for e in after.iter()]
    assert hide_appendix(out) == out


def test_the_meeting_copy_changes_only_workbook_xml_and_never_the_summary(tmp_path: Path) -> None:
    source = summary(tmp_path / "s.xlsx")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    copy = meeting_copy(source, tmp_path / "copy.xlsx")
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(copy) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert changed == [WORKBOOK_PART]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_meeting_pdf_holds_the_meeting_sheets_with_their_chart(tmp_path: Path) -> None:
    source = summary(tmp_path / "s.xlsx")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    meeting = pages(summary_pdf(source, tmp_path / "meeting.pdf"))
    full = pages(summary_pdf(source, tmp_path / "full.pdf", full=True))
    text = " ".join(p.text for p in meeting)
    assert len(full) - len(meeting) == 2  # the two appendix sheets, one page each
    assert "会议页" in text and CHART_TITLE in text  # the chart is drawn (its title is on the page)
    assert "附录问题" not in text and "appendix" not in text and "hidden helper" not in text
    assert "附录问题" in " ".join(p.text for p in full)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.pdf", "meeting.pdf", "s.xlsx"]
