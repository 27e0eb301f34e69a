"""What a person reads after `icx score`: 合计/备注 rows skipped with a note, problems in sheet, row,
column order, a problem repeated down a column said once, each with how to fix it — on the
console and on the 问题清单 sheet, whose rows wrap so that no message is cut (PDF checked)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.io import libreoffice
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register

HEADER = ["风险编号", "业务领域", "风险描述", "评估人1可能性", "评估人1影响程度", "评估人2影响程度"]


def _register(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    ws.append(HEADER)
    ws.append(["R-01", "预算", "预算编制不准", 3, 5000, 4])  # row 2: a bare 5000 in an impact cell
    for i in range(3, 43):  # rows 3–42: the same "3分" in column D
        ws.append([f"R-{i:02d}", "收支", "报销不合规", "3分", 3, None])
    ws.append(["R-99", "采购", "验收走过场", "三", "重大", None])  # row 43
    ws.append(["合计", None, None, None, None, None])  # row 44
    ws.append(["备注：本表由财务科填写", None, None, None, None, None])  # row 45
    ws.append(["R-98", "资产", None, 2, 2, None])  # row 46: no description
    wb.save(path)
    return path


def test_total_and_note_rows_are_skipped_with_a_note(tmp_path: Path) -> None:
    path = _register(tmp_path / "r.xlsx")
    result = read_register(find_register_sheet(load_grid(path)), file=str(path))
    notes = [p for p in result.problems if p.code == "row_skipped"]
    assert [(p.cell, p.severity) for p in notes] == [("A44", "info"), ("A45", "info")]
    assert notes[0].message_zh == "第44行以“合计”开头，是合计或说明行，不是一条记录，已跳过"
    assert notes[1].message_en.startswith("row 45 starts with '备注：本表由财务科填写'")
    assert 44 not in result.table.rows.sheet_rows and 45 not in result.table.rows.sheet_rows
    assert not [p for p in result.errors if p.row in (44, 45)]


def test_console_lists_problems_in_order_grouped_with_how_to_fix(tmp_path: Path) -> None:
    path = _register(tmp_path / "r.xlsx")
    for lang in ("zh", "en"):
        out = CliRunner().invoke(app, ["score", str(path), "-o", str(tmp_path / f"s-{lang}.xlsx"), "--lang", lang])
        lines = [line for line in out.output.splitlines() if "风险清单!" in line]
        cells = [line.split("风险清单!")[1].split(":")[0].split("，")[0].split(" ")[0] for line in lines]
        assert cells == ["E2", "D3", "D43", "A44", "A45", "C46"], out.output
        if lang == "zh":
            assert "风险清单!D3:D42，共40处: 可能性 · 评估人1为“3分”：分值不带“分”字（怎么改：写成数字3）" in out.output
            assert "影响程度 · 评估人1为“5000”" in out.output and "写成“5000元”或填入“预计损失金额”列" in out.output
            assert "可能性 · 评估人1为“三”：分值须写成阿拉伯数字（怎么改：写成3）" in out.output
            assert "说明 " in out.output and "第44行以“合计”开头" in out.output
        else:
            assert "风险清单!D3:D42 (40 cells): Likelihood · assessor 1 is '3分'" in out.output
            assert "(to fix: write the number 3)" in out.output


def test_the_problem_sheet_wraps_every_message(tmp_path: Path) -> None:
    path = _register(tmp_path / "r.xlsx")
    CliRunner().invoke(app, ["score", str(path), "-o", str(tmp_path / "s.xlsx")])
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["问题清单"]
    header = [c.value for c in ws[1]]
    assert header == ["文件", "工作表", "单元格", "级别", "说明", "怎么改", "Message", "How to fix"]
    rows = list(ws.iter_rows(min_row=2))
    assert [r[2].value for r in rows][:3] == ["E2", "D3:D42，共40处", "D43"]
    for row in rows:
        assert all(c.alignment.wrap_text for c in row)
        longest = max(len(str(c.value or "")) for c in row[4:6])
        assert ws.row_dimensions[row[0].row].height >= 15 * (longest * 2 // 41), row[4].value


@pytest.mark.libreoffice
def test_no_message_is_cut_in_the_pdf_of_the_problem_sheet(tmp_path: Path) -> None:
    path = _register(tmp_path / "r.xlsx")
    CliRunner().invoke(app, ["score", str(path), "-o", str(tmp_path / "s.xlsx")])
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    messages = [row[4].value for row in wb["问题清单"].iter_rows(min_row=2)]
    for name in wb.sheetnames:
        if name != "问题清单":
            del wb[name]
    wb.save(tmp_path / "only.xlsx")
    [pdf] = libreoffice.convert([tmp_path / "only.xlsx"], tmp_path / "pdf", to="pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf.output), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    column = _column_text(Path(pdf.output), "说明")
    for message in messages:
        assert "".join(message.split()) in flat or _in_pieces(message, text) or "".join(message.split()) in column, (
            message
        )


def _column_text(pdf: Path, head: str) -> str:
    """The words printed in the column headed ``head``, top to bottom, without spaces."""
    from tests.print.pdf_pages import pages

    found = []
    for page in pages(pdf):
        heads = [w for w in page.words if w.text == head]
        if not heads:
            continue
        top = heads[0]
        right = min((w.x0 for w in page.words if abs(w.y0 - top.y0) < 3 and w.x0 > top.x1), default=page.width)
        inside = [w for w in page.words if top.x0 - 3 <= w.x0 < right - 1 and w.y0 > top.y1]
        found.append("".join(w.text for w in sorted(inside, key=lambda w: (round(w.y0), w.x0))))
    return "".join(found)


def _in_pieces(message: str, text: str) -> bool:
    """Wrapped text comes out of the PDF line by line, beside the next columns' lines: every
    piece of the message must be there, in order."""
    pieces = [line.strip().split("  ")[0] for line in text.splitlines() if line.strip()]
    joined = "".join(p.replace(" ", "") for p in pieces)
    return all(part in joined for part in message.replace(" ", "").split("，"))
