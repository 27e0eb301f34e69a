"""The 自我评价 sheet read from real workbooks (cells named), the 参数设置 factor, `icx check
evaluation` end to end, and the demo units' checklists."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest
from conflicts.checkbook import build, from_demo, put_table
from typer.testing import CliRunner

from icx.cli.app import app
from icx.core.evaluation import default_config
from icx.demo.data import make_units
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import load_grid

runner = CliRunner()
AS_OF = dt.date(2026, 11, 23)
ROWS = [
    {"item_id": "YS-01", "area": "预算", "focus": "预算编制程序", "weight": 2, "result": "符合"},
    {"item_id": "YS-02", "area": "预算", "focus": "预算测算依据", "weight": 2, "result": "基本符合"},
    {
        "item_id": "SZ-01",
        "area": "收支",
        "focus": "收入统一核算",
        "weight": 4,
        "result": "不符合",
        "deficiency": "有账外收入",
        "grade": "重大",
        "owner": "甲",
        "deadline": dt.date(2026, 11, 22),
        "status": "整改中",
    },
    {"item_id": "SZ-02", "area": "收支", "focus": "票据管理", "weight": 1, "result": "不适用"},
]


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_scores_and_deficiencies_from_the_sheet(tmp_path):
    path = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    sheet = read_evaluation(load_grid(path), as_of=AS_OF, file=str(path))
    assert sheet.problems == [] and sheet.factor_source == "default"
    assert [(a.area, a.percent) for a in sheet.result.areas] == [("budget", 75.0), ("revenue_expenditure", 0.0)]
    assert sheet.result.overall.percent == 37.5
    (d,) = sheet.result.deficiencies
    assert (d.item_id, d.grade, d.overdue, d.days_overdue, d.source) == ("SZ-01", "major", True, 1, "自我评价!A5")


def test_every_invalid_row_is_named_by_its_cell(tmp_path):
    rows = ROWS + [
        {"item_id": "SZ-03", "area": "收支", "focus": "支出审批", "weight": 2, "result": "不符合"},  # row 7
        {"item_id": "SZ-04", "area": "收支", "focus": "报销审核", "weight": "两分", "result": "符合"},  # row 8
        {"item_id": "SZ-05", "area": "收支", "focus": "公务卡", "weight": 1, "result": "良好"},  # row 9
        {
            "item_id": "SZ-06",
            "area": "收支",
            "focus": "银行对账",
            "weight": 1,
            "result": "不符合",
            "deficiency": "未对账",
            "grade": "一般",
            "owner": "乙",
            "deadline": "明年",
        },  # row 10
    ]
    path = build(tmp_path / "unit.xlsx", evaluation=rows)
    sheet = read_evaluation(load_grid(path), as_of=AS_OF, file=str(path))
    errors = sorted((p.sheet, p.cell) for p in sheet.errors)
    # columns: A id, B area, C focus, D weight, E result, F deficiency, G grade, H owner, I deadline, J status
    assert errors == [
        ("自我评价", "D8"),
        ("自我评价", "E9"),
        ("自我评价", "F7"),
        ("自我评价", "G7"),
        ("自我评价", "I10"),
    ]
    assert all(p.file == str(path) for p in sheet.problems)


def test_the_shares_come_from_the_settings_sheet_unless_given(tmp_path):
    # the template's 得分 formulas read these same cells, so Python must score with them too
    path = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("参数设置")
    put_table(
        ws,
        "settings_results",
        [
            {"result": "符合", "factor": 1},
            {"result": "基本符合", "factor": "60%"},
            {"result": "不符合", "factor": 0.1},
            {"result": "不适用"},
        ],
        top=20,
        left=5,
    )
    wb.save(path)
    book = load_grid(path)
    sheet = read_evaluation(book, as_of=AS_OF)
    assert sheet.problems == [] and sheet.factor_source == "settings"
    assert (sheet.config.full_factor, sheet.config.partial_factor, sheet.config.none_factor) == (1.0, 0.6, 0.1)
    assert sheet.result.area("budget").percent == 80.0 and sheet.result.area("revenue_expenditure").percent == 10.0
    given = read_evaluation(book, as_of=AS_OF, config=default_config().with_partial(0.5))
    assert given.factor_source == "caller" and given.result.area("budget").percent == 75.0


def test_a_bad_share_on_the_settings_sheet_is_named_and_the_default_kept(tmp_path):
    path = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    wb = openpyxl.load_workbook(path)
    put_table(
        wb.create_sheet("参数设置"), "settings_results", [{"result": "基本符合", "factor": "很多"}], top=2, left=1
    )
    wb.save(path)
    sheet = read_evaluation(load_grid(path), as_of=AS_OF)
    assert [(p.sheet, p.cell) for p in sheet.problems] == [("参数设置", "B3")]
    assert sheet.config.partial_factor == 0.5 and sheet.factor_source == "default"


def test_a_workbook_without_the_sheet(tmp_path):
    path = build(tmp_path / "unit.xlsx", post_duties=[])
    sheet = read_evaluation(load_grid(path), as_of=AS_OF)
    assert sheet.result is None and [p.code for p in sheet.problems] == ["sheet_missing"]


# --- the command -------------------------------------------------------------------------------
def sheet_values(path, title):
    return [
        [v for v in row if v is not None] for row in openpyxl.load_workbook(path)[title].iter_rows(values_only=True)
    ]


def test_command_prints_and_writes_the_results(tmp_path):
    source = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    before = sha(source)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["check", "evaluation", str(source), "--as-of", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 1, result.output  # one deficiency overdue
    assert "37.5" in result.output and "逾期 1" in result.output
    assert sha(source) == before
    values = sheet_values(out, "评价结果")
    assert values[6][:6] == ["预算", 2, 2, 4, 3, 75]
    assert ["合计", 4, 3, 8, 3, 37.5] == values[8][:6]
    assert ["重大缺陷", 1, 1, 1] in values
    deficiency = next(row for row in values if row and row[0] == "SZ-01")
    assert deficiency[-3:] == ["是", 1, "自我评价!A5"]


def test_due_on_the_as_of_date_is_not_overdue(tmp_path):
    source = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    result = runner.invoke(app, ["check", "evaluation", str(source), "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "逾期 0" in result.output
    deficiency = next(
        row for row in sheet_values(tmp_path / "unit.evaluation.xlsx", "评价结果") if row and row[0] == "SZ-01"
    )
    assert deficiency[-2:] == ["否", "自我评价!A5"]


def test_partial_option_and_english(tmp_path):
    source = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    result = runner.invoke(
        app,
        [
            "check",
            "evaluation",
            str(source),
            "--as-of",
            "2026-01-01",
            "--partial",
            "1",
            "--lang",
            "en",
            "-o",
            str(tmp_path / "out.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    values = sheet_values(tmp_path / "out.xlsx", "Evaluation results")
    assert values[6][:6] == ["Budget", 2, 2, 4, 4, 100]


def test_bad_as_of_and_missing_sheet_exit_2(tmp_path):
    source = build(tmp_path / "unit.xlsx", evaluation=ROWS)
    assert runner.invoke(app, ["check", "evaluation", str(source), "--as-of", "someday"]).exit_code == 2
    other = build(tmp_path / "other.xlsx", post_duties=[])
    assert runner.invoke(app, ["check", "evaluation", str(other)]).exit_code == 2


# --- the demo units ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return {
        u.code: read_evaluation(load_grid(from_demo(folder / f"{u.code}.xlsx", u)), as_of=dt.date(2026, 12, 31))
        for u in make_units(6)
    }


def test_demo_units_have_deficiencies_some_overdue_and_no_errors(demo_sheets):
    for code, sheet in demo_sheets.items():
        result = sheet.result
        assert sheet.errors == [], code
        assert len(result.deficiencies) >= 3 and result.overdue_deficiencies, code
        assert any(not d.open for d in result.deficiencies), code  # some already rectified
        assert 0 < result.overall.percent < 100, code
        assert {a.area for a in result.areas} == {
            "unit",
            "budget",
            "revenue_expenditure",
            "procurement",
            "assets",
            "contracts",
            "construction",
        }
