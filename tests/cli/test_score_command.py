"""`icx score` end to end on real workbooks: good rows scored, bad rows listed, input untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.core import scoring

runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_register(path: Path, rows: list[list[object]], header: list[str], title_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    for t in range(title_rows):
        ws.cell(row=t + 1, column=1, value="某单位2026年度风险清单" if t == 0 else None)
    ws.append(header) if not title_rows else [
        ws.cell(row=title_rows + 1, column=c + 1, value=h) for c, h in enumerate(header)
    ]
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows(min_row=title_rows + 2):
        for cell in line:  # text that looks like a formula stays text, as a unit typed it
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(path)
    return path


ZH_HEADER = ["风险编号", "业务领域", "风险描述", "评估人1可能性", "评估人2可能性", "评估人1影响程度", "评估人2影响程度"]


def test_scores_good_rows_lists_bad_ones_and_never_touches_input(tmp_path: Path) -> None:
    source = make_register(
        tmp_path / "reg.xlsx",
        [
            ["YS-01", "预算", "预算编制依据不足", 4, 5, 3, "4"],  # L 4.5, I 3.5 → 15.75, level 1
            ["YS-02", "预算", "调整未审批", "高高", 3, 2, 2],  # bad likelihood in D3
            ["SZ-01", "收支", "超标准报销", 2, "35%", "¥12,000", 3],  # L 2.5, I 3.5 → 8.75, level 2
            ["SZ-02", "星际", "未知领域", 2, 2, 2, 2],  # bad area in B5
            ["CG-01", "采购", "化整为零", None, None, 3, 3],  # no likelihood at all
        ],
        ZH_HEADER,
    )
    before = sha(source)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert sha(source) == before
    assert "风险清单!D3" in result.output
    assert "高高" in result.output
    assert "风险清单!B5" in result.output
    assert "风险清单!D6" in result.output

    wb = openpyxl.load_workbook(out)
    ws = wb["风险清单"]
    header = [c.value for c in ws[1]]
    score_col = header.index("风险评分") + 1
    level_col = header.index("风险等级") + 1
    rank_col = header.index("排序") + 1
    assert ws.cell(row=2, column=score_col).value == pytest.approx(15.75)
    assert ws.cell(row=2, column=level_col).value == "一级"
    assert ws.cell(row=2, column=rank_col).value == 1
    assert ws.cell(row=4, column=score_col).value == pytest.approx(scoring.risk_score(2.5, 3.5))
    assert ws.cell(row=4, column=level_col).value == scoring.level_label(scoring.risk_level(2.5, 3.5))
    assert ws.cell(row=4, column=rank_col).value == 2
    for bad_row in (3, 5, 6):
        assert ws.cell(row=bad_row, column=score_col).value is None
    ranking = wb["风险识别排序表"]
    assert [ranking.cell(row=r, column=2).value for r in (2, 3)] == ["YS-01", "SZ-01"]
    problems = wb["问题清单"]
    cells = {problems.cell(row=r, column=3).value for r in range(2, problems.max_row + 1)}
    assert {"D3", "B5", "D6"} <= cells


def test_english_headers_title_rows_blank_rows_and_text_numbers(tmp_path: Path) -> None:
    header = ["Risk description", "Risk ID", "Business area", "Assessor 1 likelihood", "Assessor 1 impact", "Notes"]
    source = make_register(
        tmp_path / "en.xlsx",
        [
            ["Late budget", "B-1", "Budget", "4", " 5 ", "x"],
            [None] * 6,
            ["Asset loss", "A-1", "资产", "likely", "major", ""],
        ],
        header,
        title_rows=2,
    )
    out = tmp_path / "en-out.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["风险清单"]
    header_row = [c.value for c in ws[3]]
    assert header_row[-3:] == ["Risk score", "Risk level", "Rank"]
    assert ws.cell(row=4, column=7).value == 20.0
    assert ws.cell(row=4, column=8).value == "Level 1"
    assert ws.cell(row=6, column=7).value == 16.0


def test_default_output_name_and_formula_text_is_not_a_formula(tmp_path: Path) -> None:
    source = make_register(tmp_path / "f.xlsx", [["=1+1", "预算", '=HYPERLINK("http://x")', 3, 3, 3, 3]], ZH_HEADER)
    result = runner.invoke(app, ["score", str(source)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "f.scored.xlsx"
    ranking = openpyxl.load_workbook(out)["风险识别排序表"]
    cell = ranking.cell(row=2, column=5)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_unreadable_file_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "truncated.xlsx"
    good = make_register(tmp_path / "g.xlsx", [["A", "预算", "d", 1, 1, 1, 1]], ZH_HEADER)
    bad.write_bytes(good.read_bytes()[:300])
    result = runner.invoke(app, ["score", str(bad)])
    assert result.exit_code == 2
    assert "truncated.xlsx" in result.output
    assert not (tmp_path / "truncated.scored.xlsx").exists()


def test_methodology_option_changes_levels(tmp_path: Path) -> None:
    m = tmp_path / "m.toml"
    m.write_text("[matrix]\nlevels = [[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1]]\n", encoding="utf-8")
    source = make_register(tmp_path / "r.xlsx", [["A", "预算", "d", 1, 1, 1, 1]], ZH_HEADER)
    out = tmp_path / "o.xlsx"
    assert runner.invoke(app, ["score", str(source), "-o", str(out), "-m", str(m)]).exit_code == 0
    ws = openpyxl.load_workbook(out)["风险清单"]
    assert ws.cell(row=2, column=9).value == "一级"


def test_methodology_show_and_export(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["methodology", "show"])
    assert shown.exit_code == 0
    assert "二级" in shown.output and "极高" in shown.output
    target = tmp_path / "m.toml"
    assert runner.invoke(app, ["methodology", "export", str(target)]).exit_code == 0
    assert "probability_edges" in target.read_text(encoding="utf-8")


def _command_paths(typer_app, prefix=()):
    for command in typer_app.registered_commands:
        yield (*prefix, command.name or command.callback.__name__)
    for group in typer_app.registered_groups:
        yield from _command_paths(group.typer_instance, (*prefix, group.name))


def test_help_teaches_every_command_with_an_example() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    paths = list(_command_paths(app))
    assert {("score",), ("demo",), ("methodology", "show"), ("methodology", "export")} <= set(paths)
    for path in paths:
        assert path[0] in top.output
        text = runner.invoke(app, [*path, "--help"], terminal_width=200).output
        assert "Example" in text, path


def test_the_copy_of_an_older_template_prints_legibly(tmp_path: Path) -> None:
    """A unit's file from an older template (every sheet squeezed to one page wide, rows filled
    without heights): in the scored copy every sheet prints its smallest text at 7 pt or more and
    a wrapped description gets a row tall enough; the unit's file is not touched."""
    from icx.io.print_layout import MIN_PRINTED_PT, print_scale
    from icx.io.sheet_print import printed_columns, smallest_font
    from icx.templates import build
    from icx.templates.layout import fill_rows

    built = build("register", "zh")
    for ws in built.wb.worksheets:  # the old rule: one page wide, whatever the zoom
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.scale = 1, 0, None
        ws.print_title_cols = None
    register = built.wb[built.sheets["register"]]
    row = built.placements["register"].first_row
    description = "预算编制未充分论证，项目支出测算依据不足，导致预算执行偏差较大且调整频繁"
    fill_rows(register, built.placements["register"], [{"id": "YS-01", "area": "预算", "description": description}])
    register.row_dimensions[row].height = None
    source = tmp_path / "old.xlsx"
    built.wb.save(source)
    before = sha(source)
    out = tmp_path / "scored.xlsx"
    result = runner.invoke(app, ["score", str(source), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert sha(source) == before
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        columns = printed_columns(ws)
        smallest = smallest_font(ws, columns)
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and print_scale(columns.values()) * smallest >= MIN_PRINTED_PT, (
                ws.title
            )
        else:
            assert ws.page_setup.scale / 100 * smallest >= MIN_PRINTED_PT, ws.title
    assert not wb[register.title].sheet_properties.pageSetUpPr.fitToPage
    assert wb[register.title].row_dimensions[row].height >= 30  # 72 units of text in a 36-unit column


@pytest.mark.parametrize(
    "command",
    [["check", "conflicts"], ["check", "all"], ["check", "basic-evaluation"]],
    ids=["conflicts", "all", "basic-evaluation"],
)
def test_checked_copies_of_an_older_template_print_legibly(tmp_path: Path, command: list[str]) -> None:
    """The copies ``icx check`` writes get the same print pass as the scored copy: a demo unit
    workbook whose sheets were all squeezed to one page wide (as older templates were) comes back
    with every sheet printing its smallest text at 7 pt or more; the unit's file is not touched."""
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook
    from icx.io.print_layout import MIN_PRINTED_PT, print_scale
    from icx.io.sheet_print import printed_columns, smallest_font

    source = write_unit_workbook(make_unit(0), tmp_path / "unit.xlsx")
    wb = openpyxl.load_workbook(source)
    for ws in wb.worksheets:  # the old rule: one page wide, whatever the zoom
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.scale = 1, 0, None
    wb.save(source)
    before = sha(source)
    out = tmp_path / "checked.xlsx"
    result = runner.invoke(app, [*command, str(source), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert sha(source) == before
    checked = openpyxl.load_workbook(out)
    squeezed = []
    for ws in checked.worksheets:
        columns = printed_columns(ws)
        if not columns:
            continue
        smallest = smallest_font(ws, columns)
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            legible = ws.page_setup.fitToWidth == 1 and print_scale(columns.values()) * smallest >= MIN_PRINTED_PT
        else:
            legible = (ws.page_setup.scale or 100) / 100 * smallest >= MIN_PRINTED_PT
        if not legible:
            squeezed.append(ws.title)
    assert squeezed == []
