"""End to end on a folder like the one issue 15 describes: other formats, two files of one unit
(one code typed in full width), another period, files without a code, a unit not on the roster,
an empty register, renamed headers, an Excel error in a score cell, icx's own output, a lock file,
a hidden file and a .csv. Each figure and listing of 概览 and 报送情况 is checked against what is
worked out here from the demo data with the core's scalar functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx import i18n
from icx.cli.app import build_app
from icx.demo.data import DemoUnit, make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io import libreoffice
from icx.io.specs import match_header, sheet_names

from .conftest import sheet_rows
from .test_end_to_end import independent_checks, independent_levels

pytestmark = pytest.mark.libreoffice
AS_OF = "2026-12-31"


def _unit(i: int, code: str, **changes: object) -> DemoUnit:
    unit = make_unit(i, risks=6)
    return dataclasses.replace(
        unit, code=code, name=f"单位{code}", risks=[dataclasses.replace(r) for r in unit.risks], **changes
    )


def _edit(path: Path, sheet: str, change) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(path)
    change(wb[sheet_names(sheet)[0]])
    wb.save(path)


def _set_info(ws, key: str, value: object) -> None:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows():
        if isinstance(row[0].value, str) and match_header(row[0].value, "unit_info") == key:
            row[1].value = value


def _register_header(ws) -> int:  # type: ignore[no-untyped-def]
    return next(r[0].row for r in ws.iter_rows(max_row=30) if match_header(r[0].value, "register") == "id")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("issue")
    inbox = root / "报送"
    (inbox / "第二批").mkdir(parents=True)
    units = {code: _unit(i, code) for i, code in enumerate(["FB001", "FB002", "FB003", "FB004", "FB010", "OFF01"])}
    files: dict[str, Path] = {}
    for code in ("FB001", "FB002", "OFF01", "FB010"):
        files[code] = write_unit_workbook(units[code], inbox / f"{code}-{units[code].name}.xlsx")
    # Saved by LibreOffice as .xls and .ods.
    lo = root / "lo"
    lo.mkdir()
    for code, to in (("FB003", "xls"), ("FB004", "ods")):
        source = write_unit_workbook(units[code], lo / f"{code}.xlsx")
        (done,) = libreoffice.convert([source], inbox / "第二批", to=to)
        files[code] = done.output
    # FB005 twice: once as typed, once in full width with a zero-width space; dates filled in.
    for name, typed, day in (("FB005-初报.xlsx", "FB005", 3), ("FB005-更正.xlsx", "ＦＢ００５\u200b", 9)):
        path = write_unit_workbook(_unit(6, "FB005"), inbox / name)
        _edit(
            path,
            "unit_info",
            lambda ws, t=typed, d=day: (
                _set_info(ws, "unit_code", t),
                _set_info(ws, "fill_date", dt.datetime(2026, 3, d)),
            ),
        )
        files[name] = path
    files["FB006"] = write_unit_workbook(_unit(7, "FB006", period="2025年度"), inbox / "FB006-去年.xlsx")
    # No code: the name starts with a roster code (counted as FB007), or with none (not counted).
    fb007 = _unit(8, "")
    files["FB007"] = write_unit_workbook(fb007, inbox / "第二批" / "FB007-区某中心.xlsx")
    files["nocode"] = write_unit_workbook(_unit(9, ""), inbox / "无编码单位.xlsx")
    # FB008: headers, no risk. FB009: 风险编号 and 风险描述 renamed.
    files["FB008"] = write_unit_workbook(_unit(10, "FB008"), inbox / "FB008.xlsx")

    def clear(ws) -> None:  # type: ignore[no-untyped-def]
        for row in ws.iter_rows(min_row=_register_header(ws) + 1):
            for cell in row:
                if cell.data_type != "f":
                    cell.value = None

    _edit(files["FB008"], "register", clear)
    files["FB009"] = write_unit_workbook(_unit(11, "FB009"), inbox / "FB009.xlsx")

    def rename(ws) -> None:  # type: ignore[no-untyped-def]
        for cell in ws[_register_header(ws)]:
            if match_header(cell.value, "register") in ("id", "description"):
                cell.value = {"id": "序号", "description": "风险点"}[match_header(cell.value, "register")]

    _edit(files["FB009"], "register", rename)
    # FB010: one assessor's score is #DIV/0!: that risk is left out, the unit is counted.
    bad_risk = units["FB010"].risks[1]

    def div0(ws) -> None:  # type: ignore[no-untyped-def]
        header = _register_header(ws)
        col = next(c.column for c in ws[header] if match_header(c.value, "register") == "likelihood_1")
        row = next(r[0].row for r in ws.iter_rows(min_row=header + 1) if r[0].value == bad_risk.id)
        ws.cell(row=row, column=col).value = "#DIV/0!"

    _edit(files["FB010"], "register", div0)
    bad_risk.likelihood = ["#DIV/0!", *bad_risk.likelihood[1:]]
    # Noise: icx's own output, a lock file, a hidden copy, a .csv of FB011.
    runner = CliRunner()
    scored = inbox / "FB001.scored.xlsx"
    assert runner.invoke(build_app(), ["score", str(files["FB001"]), "-o", str(scored)]).exit_code in (0, 1)
    (inbox / "~$FB001-单位FB001.xlsx").write_bytes(b"lock")
    shutil.copy(files["FB002"], inbox / ".FB002-副本.xlsx")
    (inbox / "FB011.csv").write_text("单位编码,风险编号\nFB011,R1\n", encoding="utf-8")
    roster = root / "单位名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["单位编码", "单位名称", "联系人", "电子邮箱"])
    for n in range(1, 13):
        wb.active.append([f"FB{n:03d}", f"单位FB{n:03d}", "", ""])
    wb.save(roster)
    out = root / "out" / "委员会汇总.xlsx"
    result = runner.invoke(
        build_app(),
        ["consolidate", str(inbox), "-o", str(out), "-r", str(roster), "-p", "2026", "--as-of", AS_OF, "-j", "2"],
    )
    counted = [units[c] for c in ("FB001", "FB002", "FB003", "FB004", "FB010", "OFF01")] + [fb007]
    return {"result": result, "out": out, "files": files, "counted": counted, "inbox": inbox}


def _overview(path: Path) -> tuple[dict[str, object], list[tuple]]:
    rows = sheet_rows(path, sheet_names("overview")[0])
    labels = {entry["zh"]: key for key, entry in i18n.section("figures").items()}
    return {labels[r[0]]: r[1] for r in rows if r and r[0] in labels}, rows


def test_exit_status_is_findings(run: dict) -> None:
    assert run["result"].exit_code == 1, run["result"].output


def test_every_figure_of_the_overview(run: dict) -> None:
    figures, _ = _overview(run["out"])
    levels = independent_levels(run["counted"])
    assert (figures["risks_level1"], figures["risks_level2"], figures["risks_level3"]) == (
        levels[1],
        levels[2],
        levels[3],
    )
    assert figures["risks_total"] == sum(levels.values())
    checked = independent_checks(run["counted"])
    assert {k: figures[k] for k in checked} == checked
    assert figures["units_expected"] == 12
    assert figures["units_received"] == 11  # FB012 sent nothing
    assert figures["units_missing"] == 1
    assert figures["units_counted"] == 7  # FB001-FB004, FB007 (by its file name), FB010, OFF01
    assert figures["units_not_counted"] == 5  # FB005 twice, FB006 2025, FB008 empty, FB009 headers, FB011 .csv
    assert figures["units_off_roster"] == 1
    assert figures["files_not_counted"] == 7  # the two FB005 files, FB006, no code, FB008, FB009, the .csv


def test_the_reconciliation_block_adds_up(run: dict) -> None:
    _, rows = _overview(run["out"])
    block = {r[0]: r[1:7] for r in rows if r and r[0] in ("找到的文件", "名单内单位", "计入汇总的单位")}
    assert block["找到的文件"][:4] == (17, 7, 7, 3)  # found = counted + not counted + skipped
    assert block["名单内单位"][:4] == (12, 6, 5, 1)  # roster = counted + not counted + not submitted
    assert block["计入汇总的单位"][0] == 7 and "名单内 6" in block["计入汇总的单位"][4]
    assert all(r[5] == "相符" for r in block.values())
    assert "重复报送（未计入） 2" in block["找到的文件"][4] and "其他期间 1" in block["找到的文件"][4]


def test_the_submissions_sheet_lists_each_file(run: dict) -> None:
    rows = sheet_rows(run["out"], sheet_names("summary_submissions")[0])
    run["files"]
    titles = {r[0]: i for i, r in enumerate(rows) if r and isinstance(r[0], str) and "（" in r[0] and r[1] is None}

    def block(prefix: str) -> list[tuple]:
        start = next(i for t, i in titles.items() if t.startswith(prefix))
        body = []
        for r in rows[start + 2 :]:
            if not r or all(v is None for v in r):
                break
            body.append(r)
        return body

    dup = block("重复报送（未计入）")
    assert sorted(Path(r[2]).name for r in dup) == ["FB005-初报.xlsx", "FB005-更正.xlsx"]
    assert sorted(str(r[3])[:10] for r in dup) == ["2026-03-03", "2026-03-09"]  # 填报日期
    assert all(r[4] for r in dup)  # modified time
    other = block("其他期间的文件")
    assert [(r[0], r[3]) for r in other] == [("FB006", "2025年度")]
    rest = {Path(r[2]).name: r[6] for r in block("未计入汇总的文件")}
    assert rest == {
        "无编码单位.xlsx": "无单位编码",
        "FB008.xlsx": "风险清单无风险",
        "FB009.xlsx": "风险清单缺表头或必填列",
        "FB011.csv": "格式无法读取",
    }
    assert [r[0] for r in block("名单外单位")] == ["OFF01"]
    skipped = {Path(r[2]).name: r[6] for r in block("跳过的文件")}
    assert skipped == {
        "~$FB001-单位FB001.xlsx": "锁定文件（~$、.~lock）",
        ".FB002-副本.xlsx": "隐藏文件",
        "FB001.scored.xlsx": "icx生成的文件",
    }
    units = {r[0]: (r[5], r[6] or None) for r in block("名单内单位的去向")}
    assert units["FB007"] == ("计入", None) and units["FB012"] == ("未报送", None)
    assert units["FB005"] == ("未计入", "重复报送（未计入）") and units["FB011"] == ("未计入", "格式无法读取")


def test_no_risk_of_an_uncounted_file_is_ranked(run: dict) -> None:
    rows = sheet_rows(run["out"], sheet_names("summary_ranking")[0])
    codes = {r[1] for r in rows[1:] if r and r[1]}
    assert codes == {"FB001", "FB002", "FB003", "FB004", "FB007", "FB010", "OFF01"}
