"""The templates, a demo unit workbook and its scored copy in a real spreadsheet engine.

- every committed template opens and recalculates in LibreOffice without one error value;
- the demo unit workbook recalculates cleanly, and what LibreOffice computed (score, level,
  control-matrix levels, self-evaluation scores) is what the Python readers recompute;
- `icx score` on the unit workbook keeps every formula, dropdown, colour rule, name and
  protection of the original sheets, and the copy still recalculates cleanly;
- the PDF of the Chinese unit workbook embeds a CJK font and holds the Chinese labels.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import openpyxl
import pytest

from icx.core.methodology import default_methodology
from icx.io import libreoffice
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import load_grid
from icx.io.unit_workbook import load_unit_workbook
from icx.templates import FILE_NAMES

from .conftest import COMMITTED
from .signature import differences, signature

pytestmark = pytest.mark.libreoffice
CJK_FONT = re.compile(
    r"WenQuanYi|wqy|Noto\w*CJK|SourceHan|Source Han|Droid\w*Fallback|SimSun|SimHei|YaHei|AR ?PL|Hei|Song|Ming", re.I
)


def test_committed_templates_open_and_recalculate_without_errors(engine) -> None:
    for source in engine.templates:
        copy = engine.of(source)
        assert libreoffice.error_cells(copy) == [], source.name
        before = openpyxl.load_workbook(source, read_only=True)
        after = openpyxl.load_workbook(copy, read_only=True)
        assert after.sheetnames == before.sheetnames, source.name


def test_demo_workbook_values_from_libreoffice_equal_the_readers(engine) -> None:
    recalculated = engine.of(engine.demo)
    assert libreoffice.error_cells(recalculated) == []
    # The register reader compares the cached score and level with its own: no difference may show.
    unit = load_unit_workbook(recalculated)
    assert [p.render() for p in unit.problems] == []
    register = unit.register.frame
    assert register["score"].notna().sum() == len(unit.register.register.risks) > 20
    # Control matrices: the level LibreOffice looked up is the register's level of that risk.
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    m = default_methodology()
    checked = 0
    for _, control in unit.controls.iterrows():
        cached = wb[control["sheet"]].cell(row=int(control["row"]), column=4).value
        assert cached == m.level_name(int(control["risk_level"])), control["control_id"]
        checked += 1
    assert checked == len(unit.register.register.risks)
    # Self-evaluation: the engine's scores agree with each cached 得分 (a difference is reported).
    sheet = read_evaluation(load_grid(recalculated), as_of=dt.date(2026, 12, 31), file=str(recalculated))
    assert not [p for p in sheet.problems if p.code == "stored_differs"]
    ws = wb["自我评价"]
    column = [c.value for c in ws[3]].index("得分") + 1
    scores = [ws.cell(row=r, column=column).value for r in range(4, ws.max_row + 1)]
    assert sum(isinstance(v, (int, float)) for v in scores) > 50


def test_scored_copy_keeps_formulas_and_formatting(engine) -> None:
    source, scored = signature(engine.demo), signature(engine.scored)
    for sheet in source["sheets"]:
        diff = differences({sheet: source[sheet]}, {sheet: scored[sheet]})
        assert not diff, f"{sheet} changed in the scored copy:\n" + "\n".join(diff)
    assert scored["names"] == source["names"]
    assert scored["sheets"][: len(source["sheets"])] == source["sheets"]
    assert "风险识别排序表" in scored["sheets"]
    # and it still recalculates, ranks as the ranking sheet says
    recalculated = engine.of(engine.scored)
    assert libreoffice.error_cells(recalculated) == []
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    ranking = {row[1]: row[0] for row in wb["风险识别排序表"].iter_rows(min_row=2, values_only=True)}
    register = wb["风险清单"]
    header = [c.value for c in register[4]]
    ids, ranks = header.index("风险编号"), header.index("排序")
    ranked = {row[ids]: row[ranks] for row in register.iter_rows(min_row=5, values_only=True) if row[ids]}
    assert ranked == ranking


def test_pdf_embeds_a_cjk_font_and_holds_the_chinese_labels(tmp_path) -> None:
    source = COMMITTED / FILE_NAMES[("unit", "zh")]
    (pdf,) = libreoffice.to_pdf([source], tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded_cjk = [line for line in fonts.splitlines()[2:] if CJK_FONT.search(line) and " yes " in f" {line} "]
    assert embedded_cjk, fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label in (
        "内部控制单位工作簿",
        "风险清单",
        "风险编号",
        "风险控制矩阵",
        "不相容岗位",
        "自我评价",
        "风险等级矩阵",
        "一级",
        "参数设置",
    ):
        assert label in text, label
