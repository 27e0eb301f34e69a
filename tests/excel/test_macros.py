"""The ribbon macros through the openpyxl port, on demo unit workbooks: each writes the same
workbook as its `icx` command (values, number formats, fills, bold, widths, frozen panes,
filters, sheet order), tells the user what it did, and never raises for bad input."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.excel import macros
from icx.excel.port import WorkbookPort
from icx.excel.port_openpyxl import OpenpyxlPort
from icx.io.specs import sheet_names
from icx.io.untrusted import sha256_of

from .unitbooks import demo_unit_workbook, plain_register_workbook, register_table

AS_OF = dt.date(2026, 12, 31)
runner = CliRunner()


def dump(path: Path) -> dict[str, Any]:
    """Everything a reader of the workbook sees, sheet by sheet, in order."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"order": wb.sheetnames}
    for ws in wb:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
                if c.value is not None or fill or c.font.b:
                    cells[c.coordinate] = (c.value, c.number_format, fill, bool(c.font.b))
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        out[ws.title] = (cells, widths, ws.freeze_panes, ws.auto_filter.ref, sorted(map(str, ws.merged_cells.ranges)))
    return out


def assert_same_workbook(a: Path, b: Path) -> None:
    left, right = dump(a), dump(b)
    assert left["order"] == right["order"]
    for title in left["order"]:
        assert left[title] == right[title], f"sheet {title} differs"


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    return demo_unit_workbook(tmp_path, index=1)


def run_macro(source: Path, target: Path, macro, **kwargs: Any) -> OpenpyxlPort:
    port = OpenpyxlPort.open(source)
    macro(port, **kwargs)
    port.save(target)
    return port


def test_the_port_is_what_the_macros_are_written_against(unit: Path) -> None:
    assert isinstance(OpenpyxlPort.open(unit), WorkbookPort)


def test_score_macro_writes_what_icx_score_writes(unit: Path, tmp_path: Path) -> None:
    before = sha256_of(unit)
    cli_out = tmp_path / "cli.xlsx"
    result = runner.invoke(app, ["score", str(unit), "-o", str(cli_out)])
    assert result.exit_code == 0, result.output
    port = run_macro(unit, tmp_path / "macro.xlsx", macros.score_workbook)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    assert sha256_of(unit) == before  # the input file is only read
    assert port.messages[-1].startswith("已评分")
    assert sheet_names("ranking")[0] in openpyxl.load_workbook(tmp_path / "macro.xlsx").sheetnames


def test_score_macro_with_bad_cells_lists_them_like_the_cli(tmp_path: Path, unit: Path) -> None:
    table = register_table(unit)
    rows = list(table.frame.index)
    bad = {table.cell(rows[0], "likelihood_1"): "很高吧", table.cell(rows[2], "impact_2"): "-3"}
    wb = openpyxl.load_workbook(unit)
    ws = wb[table.sheet]
    for ref, value in bad.items():
        ws[ref] = value
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    cli_out = tmp_path / "cli.xlsx"
    assert runner.invoke(app, ["score", str(broken), "-o", str(cli_out)]).exit_code == 1
    port = run_macro(broken, tmp_path / "macro.xlsx", macros.score_workbook)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    problems = openpyxl.load_workbook(tmp_path / "macro.xlsx")[sheet_names("problems")[0]]
    cells = {(r[1], r[2]) for r in problems.iter_rows(min_row=2, values_only=True)}
    assert {(table.sheet, ref) for ref in bad} <= cells
    assert "问题清单" in port.messages[-1]


def test_english_score_macro_equals_english_cli(unit: Path, tmp_path: Path) -> None:
    cli_out = tmp_path / "cli.xlsx"
    assert runner.invoke(app, ["score", str(unit), "-o", str(cli_out), "--lang", "en"]).exit_code == 0
    run_macro(unit, tmp_path / "macro.xlsx", macros.score_workbook, lang="en")
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")


def test_conflicts_macro_writes_what_icx_check_conflicts_writes(unit: Path, tmp_path: Path) -> None:
    cli_out = tmp_path / "cli.xlsx"
    result = runner.invoke(app, ["check", "conflicts", str(unit), "-o", str(cli_out)])
    assert result.exit_code == 1, result.output  # the demo unit has conflicts
    port = run_macro(unit, tmp_path / "macro.xlsx", macros.check_conflicts)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    assert "冲突清单" in port.messages[-1]


def test_evaluation_macro_writes_what_icx_check_evaluation_writes(unit: Path, tmp_path: Path) -> None:
    cli_out = tmp_path / "cli.xlsx"
    result = runner.invoke(app, ["check", "evaluation", str(unit), "--as-of", AS_OF.isoformat(), "-o", str(cli_out)])
    assert result.exit_code in (0, 1), result.output
    port = run_macro(unit, tmp_path / "macro.xlsx", macros.evaluate_checklist, as_of=AS_OF)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    assert "自我评价得分" in port.messages[-1] and "2026-12-31" in port.messages[-1]


def test_check_macros_on_a_workbook_without_those_sheets_tell_and_write_nothing(tmp_path: Path) -> None:
    plain = plain_register_workbook(tmp_path, 2)
    port = OpenpyxlPort.open(plain)
    assert macros.check_conflicts(port) is None
    assert macros.evaluate_checklist(port, as_of=AS_OF) is None
    assert port.messages[0].startswith("无法完成") and "不相容岗位" in port.messages[0]
    assert "自我评价" in port.messages[1]
    assert port.wb.sheetnames == ["单位信息", "风险清单"]


def test_validate_lists_and_highlights_then_clears_when_fixed(unit: Path, tmp_path: Path) -> None:
    table = register_table(unit)
    rows = list(table.frame.index)
    score_cell, id_cell, own_cell = (
        table.cell(rows[0], "likelihood_1"),
        table.cell(rows[3], "id"),
        table.cell(rows[5], "description"),
    )
    wb = openpyxl.load_workbook(unit)
    ws = wb[table.sheet]
    ws[score_cell] = "很高吧"
    ws[id_cell] = ws[table.cell(rows[2], "id")].value  # a repeated risk id
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)

    port = OpenpyxlPort.open(broken)
    problems = macros.validate_workbook(port, as_of=AS_OF)
    expected = macros.workbook_problems(OpenpyxlPort.open(broken), None, AS_OF)
    assert [p.render() for p in problems] == [p.render() for p in expected]
    assert {(table.sheet, score_cell), (table.sheet, id_cell)} <= {(p.sheet, p.cell) for p in problems}
    reg = port.wb[table.sheet]
    assert reg[score_cell].fill.fgColor.rgb.endswith(macros.ERROR_FILL)
    assert reg[id_cell].fill.fgColor.rgb.endswith(macros.ERROR_FILL)
    listed = [r for r in port.wb[sheet_names("problems")[0]].iter_rows(min_row=2, values_only=True)]
    assert len(listed) == len(problems)
    assert port.messages[-1].startswith("发现")
    checked = port.save(tmp_path / "checked.xlsx")

    # The unit fixes the cells in the checked copy; validating again clears the colours icx set.
    wb = openpyxl.load_workbook(checked)
    ws = wb[table.sheet]
    ws[score_cell] = 3
    ws[id_cell] = "ZZ-99"
    ws[own_cell].fill = openpyxl.styles.PatternFill("solid", fgColor="00B0F0")  # the unit's own colour stays
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    port = OpenpyxlPort.open(fixed)
    problems = macros.validate_workbook(port, as_of=AS_OF)
    reg = port.wb[table.sheet]
    assert reg[score_cell].fill.fill_type is None and reg[id_cell].fill.fill_type is None
    assert reg[own_cell].fill.fgColor.rgb.endswith("00B0F0")
    assert all(p.cell not in (score_cell, id_cell) for p in problems)


def test_validate_a_clean_workbook(tmp_path: Path) -> None:
    plain = plain_register_workbook(tmp_path, 0)
    port = OpenpyxlPort.open(plain)
    assert macros.validate_workbook(port, as_of=AS_OF) == []
    assert port.messages == ["数据校验通过，未发现问题。"]
    assert sheet_names("problems")[0] not in port.wb.sheetnames


def test_a_workbook_without_a_register_is_told_not_raised(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "nothing here"
    empty = tmp_path / "empty.xlsx"
    wb.save(empty)
    port = OpenpyxlPort.open(empty)
    assert macros.score_workbook(port) is None
    assert port.messages[0].startswith("无法完成") and "风险清单" in port.messages[0]


def _folder_of_units(tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    for i in range(count):
        demo_unit_workbook(folder, index=i)
    roster = openpyxl.Workbook()
    roster.active.append(["单位编码", "单位名称", "联系人", "电子邮箱"])
    from icx.demo.data import make_units

    for u in make_units(count + 1):  # one unit in the roster did not submit
        roster.active.append([u.code, u.name, u.preparer, u.email])
    roster.save(folder / macros.ROSTER_NAME)
    return folder


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [tuple(None if isinstance(v, dt.datetime) else v for v in r) for r in ws.iter_rows(values_only=True)]
        for ws in wb
    }


def _figures(values: dict[str, list[tuple]]) -> dict[str, object]:
    """The key figures of 概览 (label → value)."""
    from icx import i18n

    labels = {entry["zh"] for entry in i18n.section("figures").values()}
    return {r[0]: r[1] for r in values[sheet_names("overview")[0]] if r and r[0] in labels}


def test_summary_macro_writes_what_icx_consolidate_writes(tmp_path: Path) -> None:
    folder = _folder_of_units(tmp_path)
    cli = tmp_path / "cli"
    cli.mkdir()
    # The macro finds the roster beside the units and leaves it out of the inputs; the CLI is
    # given the same roster from outside the folder (inside it, the CLI would read it as a unit).
    roster = (folder / macros.ROSTER_NAME).rename(cli / macros.ROSTER_NAME)
    result = runner.invoke(
        app,
        [
            "consolidate",
            str(folder),
            "-o",
            str(cli / "cli-summary.xlsx"),
            "--roster",
            str(roster),
            "--feedback",
            str(cli / macros.FEEDBACK_FOLDER),
            "--as-of",
            AS_OF.isoformat(),
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    roster.rename(folder / macros.ROSTER_NAME)
    port = OpenpyxlPort.open(next(folder.glob("FB001*.xlsx")))  # a unit workbook open in Excel
    summary = macros.build_summary(port=port, as_of=AS_OF)
    assert summary == folder / macros.SUMMARY_NAME and port.opened == [summary]
    mine, theirs = _values(summary), _values(cli / "cli-summary.xlsx")
    differing = [t for t in theirs if mine.get(t) != theirs[t]]
    assert list(mine) == list(theirs)
    # Only 说明 may differ (it names the inputs as given, and the time it was made), and the
    # accounting of files: the macro's folder holds the roster, listed as skipped.
    may_differ = {sheet_names("readme")[0], sheet_names("overview")[0], sheet_names("summary_submissions")[0]}
    assert set(differing) <= may_differ
    assert _figures(mine) == _figures(theirs)
    assert sorted(p.name for p in (folder / macros.FEEDBACK_FOLDER).iterdir()) == sorted(
        p.name for p in (cli / macros.FEEDBACK_FOLDER).iterdir()
    )
    assert "已汇总3个单位" in port.messages[-1]
    # Run again: the summary and feedback now in the folder are not read back as units.
    again = _values(macros.build_summary(folder=folder, port=port, as_of=AS_OF))
    assert {t for t in mine if again[t] != mine[t]} <= may_differ and _figures(again) == _figures(mine)


def _recipients(folder: Path) -> Path:
    from icx.demo.data import make_units

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收件人"
    ws.append(["角色", "单位编码", "单位名称", "姓名", "电子邮箱"])
    ws.append(["委员会", None, None, "主任", "director@example.gov.cn"])
    for u in make_units(3):
        ws.append(["单位", u.code, u.name, u.preparer, u.email])
    target = folder / "收件人.xlsx"
    wb.save(target)
    return target


def _drafts(folder: Path) -> list[tuple]:
    out = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        files = sorted((part.get_filename(), part.get_content()) for part in msg.iter_attachments())
        out.append((str(msg["To"]), str(msg["Subject"]), files))
    return sorted(out)


def test_email_macro_sends_what_icx_email_sends(tmp_path: Path) -> None:
    folder = _folder_of_units(tmp_path)
    port = OpenpyxlPort.open(next(folder.glob("FB001*.xlsx")))
    summary = macros.build_summary(port=port, as_of=AS_OF)
    people = _recipients(folder)
    cli_drafts, macro_drafts = tmp_path / "cli-drafts", tmp_path / "macro-drafts"
    result = runner.invoke(
        app,
        [
            "email",
            "-s",
            str(summary),
            "-r",
            str(people),
            "-f",
            str(folder / macros.FEEDBACK_FOLDER),
            "--dry-run",
            str(cli_drafts),
        ],
    )
    assert result.exit_code == 0, result.output
    summary_port = OpenpyxlPort.open(summary)  # the summary is the active workbook
    report = macros.email_summary(port=summary_port, dry_run=macro_drafts)
    assert report is not None and report.ok
    assert _drafts(macro_drafts) == _drafts(cli_drafts)
    assert len(_drafts(macro_drafts)) == 1 + 3  # the committee and three units
    assert summary_port.messages


def test_email_macro_without_recipients_says_what_is_missing(tmp_path: Path) -> None:
    folder = _folder_of_units(tmp_path, count=1)
    port = OpenpyxlPort.open(next(folder.glob("FB001*.xlsx")))
    assert macros.email_summary(port=port) is None
    assert "委员会汇总.xlsx" in port.messages[-1]
    macros.build_summary(port=port, as_of=AS_OF)
    assert macros.email_summary(port=port) is None
    assert "收件人.xlsx" in port.messages[-1]


def test_help_names_the_version_and_the_interpreter_setting(unit: Path) -> None:
    from icx import __version__

    port = OpenpyxlPort.open(unit)
    text = macros.show_help(port)
    assert __version__ in text and "Interpreter" in text and "ICX_LEVEL" in text and "excel.log" in text
    assert macros.show_help(port, lang="en").startswith("icx internal-control toolkit")


def test_score_macro_on_a_unit_workbook_uses_its_settings_sheet_like_the_cli(tmp_path: Path) -> None:
    """A demo unit workbook whose 参数设置 sheet holds a stricter 5×5 matrix: the macro grades
    with that matrix, exactly as `icx score` does, and the template's formulas stay."""
    from icx.core import scoring
    from icx.core.methodology import default_methodology
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook

    strict = default_methodology().override(
        {"matrix": {"levels": [[3, 3, 2, 2, 1], [3, 2, 2, 1, 1], [2, 2, 1, 1, 1], [2, 1, 1, 1, 1], [1, 1, 1, 1, 1]]}}
    )
    source = write_unit_workbook(make_unit(4), tmp_path / "unit.xlsx", methodology=strict)
    cli_out = tmp_path / "cli.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(cli_out)])
    assert result.exit_code in (0, 1), result.output
    port = run_macro(source, tmp_path / "macro.xlsx", macros.score_workbook)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    ranking = openpyxl.load_workbook(tmp_path / "macro.xlsx")[sheet_names("ranking")[0]]
    header = [c.value for c in ranking[1]]
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    assert rows, port.messages
    lk, im, lv = header.index("可能性"), header.index("影响程度"), header.index("风险等级")
    graded = [(row[lk], row[im], row[lv]) for row in rows]
    assert all(level == strict.level_name(scoring.risk_level(l, i, strict)) for l, i, level in graded)
    assert any(
        scoring.risk_level(l, i, strict) != scoring.risk_level(l, i) for l, i, _ in graded
    )  # the matrix mattered
    table = register_table(source)
    first = table.frame.index[0]
    register = openpyxl.load_workbook(tmp_path / "macro.xlsx")[table.sheet]
    assert str(register[table.cell(first, "score")].value).startswith("=")  # the template's formula stays


def test_posts_and_authority_macro_writes_what_the_three_checks_write(unit: Path, tmp_path: Path) -> None:
    port = run_macro(unit, tmp_path / "macro.xlsx", macros.check_posts_and_authority, as_of=AS_OF)
    macro_out = dump(tmp_path / "macro.xlsx")
    for check, sheet in (("rotation", "轮岗检查"), ("authority", "授权检查"), ("treatment", "应对与审定")):
        cli_out = tmp_path / f"{check}.xlsx"
        result = runner.invoke(app, ["check", check, str(unit), "--as-of", AS_OF.isoformat(), "-o", str(cli_out)])
        assert result.exit_code == 1, result.output  # every demo unit has findings of each check
        assert dump(cli_out)[sheet] == macro_out[sheet], sheet
    assert "2026-12-31" in port.messages[-1] and "轮岗检查" in port.messages[-1]
    # the cells a finding is about are filled as in the CLI's checked copy
    cli = openpyxl.load_workbook(tmp_path / "treatment.xlsx")
    ours = openpyxl.load_workbook(tmp_path / "macro.xlsx")
    register = sheet_names("register")[0]

    def marked(wb: openpyxl.Workbook) -> set[str]:
        return {c.coordinate for row in wb[register].iter_rows() for c in row if c.fill.fgColor.rgb == "00FFC7CE"}

    assert marked(cli) and marked(cli) <= marked(ours)


def test_basic_evaluation_macro_writes_what_icx_check_basic_evaluation_writes(unit: Path, tmp_path: Path) -> None:
    cli_out = tmp_path / "cli.xlsx"
    args = ["check", "basic-evaluation", str(unit), "--as-of", AS_OF.isoformat(), "-o", str(cli_out)]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    port = run_macro(unit, tmp_path / "macro.xlsx", macros.basic_evaluation, as_of=AS_OF)
    assert_same_workbook(cli_out, tmp_path / "macro.xlsx")
    assert "基础性评价总分" in port.messages[-1] and "基础性评价结果" in port.messages[-1]
