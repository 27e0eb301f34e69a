"""Reading the 不相容岗位 sheet (three tables side by side), control matrices and the payment log
from real workbooks; every problem names sheet and cell."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from icx.core.methodology import default_methodology
from icx.io.duties import check_conflicts, matrix_area, table_windows
from icx.io.grid import load_grid

from .checkbook import build

RULES = [
    {
        "rule_id": "ZD-01",
        "area": "单位层面",
        "duty_a": "印章管理",
        "duty_b": "支出审批",
        "basis": "自批自盖",
        "enabled": "是",
    },
    {"rule_id": "SZ-05", "enabled": "否"},
]
POSTS = [
    {"post": "出纳岗", "duty": "出纳"},
    {"post": "出纳岗", "duty": "会计档案保管"},
    {"post": "会计岗", "duty": "会计记账"},
    {"post": "办公室", "duty": "印章管理"},
    {"post": "审批岗", "duty": "支出审批"},
]
PEOPLE = [
    {"person": "张伟", "employee_id": "0101", "post": "出纳岗", "date_from": dt.date(2024, 1, 1)},
    {"person": "张伟", "employee_id": "0102", "post": "会计岗", "date_from": dt.date(2024, 1, 1)},
    {"person": "李　娜", "post": "办公室"},
    {
        "person": "李娜",
        "post": "审批岗",
        "date_from": dt.date(2026, 2, 1),
        "date_to": dt.date(2026, 2, 28),
        "acting": "是",
    },
]


def check(path):
    return check_conflicts(load_grid(path), file=str(path))


def test_three_tables_side_by_side_are_found(tmp_path):
    path = build(tmp_path / "unit.xlsx", duty_rules=RULES, post_duties=POSTS, person_posts=PEOPLE)
    grid = load_grid(path).sheet("不相容岗位")
    header, windows = table_windows(grid)
    # rules A–F, gap G, posts H–I, gap J, people K–P
    assert header == 2 and windows == {"duty_rules": (0, 5), "post_duties": (7, 8), "person_posts": (10, 15)}
    result = check(path)
    assert result.problems == []
    assert sorted((c.kind, c.rule_id, c.person) for c in result.conflicts) == [("person", "ZD-01", "李娜")]
    (conflict,) = result.conflicts
    assert conflict.period == "2026-02-01 ~ 2026-02-28" and conflict.sources == ("不相容岗位!K6", "不相容岗位!K7")


def test_tables_without_separator_columns_and_in_english(tmp_path):
    path = build(tmp_path / "unit.xlsx", duty_rules=RULES, post_duties=POSTS, person_posts=PEOPLE, gap=0, lang="en")
    _, windows = table_windows(load_grid(path).sheet("Incompatible duties"))
    assert windows == {"duty_rules": (0, 5), "post_duties": (6, 7), "person_posts": (8, 13)}
    assert [(c.rule_id, c.person) for c in check(path).conflicts] == [("ZD-01", "李娜")]


def test_a_default_switched_on_again_by_the_sheet_fires(tmp_path):
    rules = [dict(RULES[0]), {"rule_id": "SZ-05", "enabled": "是"}]
    path = build(tmp_path / "unit.xlsx", duty_rules=rules, post_duties=POSTS, person_posts=PEOPLE)
    assert ("post", "SZ-05") in {(c.kind, c.rule_id) for c in check(path).conflicts}


def test_every_bad_cell_is_named(tmp_path):
    people = PEOPLE + [
        {"person": "王芳", "employee_id": "0200", "post": "会计岗", "date_from": "去年", "acting": "否"},  # K8: L… date
        {"person": "王芳", "employee_id": "0200", "post": "出纳岗", "acting": "可能"},  # K9
        {"person": None, "employee_id": "0300", "post": "会计岗"},  # K10
    ]
    rules = RULES + [{"rule_id": "ZD-02", "duty_a": "印章管理", "enabled": "是"}]  # row 6
    path = build(tmp_path / "unit.xlsx", duty_rules=rules, post_duties=POSTS, person_posts=people)
    result = check(path)
    assert sorted((p.sheet, p.cell, p.code) for p in result.problems) == [
        ("不相容岗位", "D6", "conflicts_rule_incomplete"),
        ("不相容岗位", "K10", "conflicts_required_blank"),
        ("不相容岗位", "N8", "conflicts_date_invalid"),
        ("不相容岗位", "P9", "conflicts_flag_invalid"),
    ]
    assert all(p.file == str(path) for p in result.problems)


def test_a_missing_table_is_reported_with_its_headers(tmp_path):
    path = build(tmp_path / "unit.xlsx", post_duties=POSTS)
    result = check(path)
    (problem, unknown) = result.problems
    assert problem.code == "check_table_missing" and problem.sheet == "不相容岗位" and "姓名" in problem.message_zh
    # 印章管理 is no duty a rule names: a warning at its cell, and the check says it may be incomplete
    assert unknown.code == "conflicts_duty_unknown" and unknown.cell and unknown.severity == "warning"
    assert result.report.unknown_duties == ["印章管理"]


def test_no_duties_sheet_means_nothing_ran(tmp_path):
    path = build(tmp_path / "unit.xlsx", evaluation=[])
    result = check(path)
    assert not result.ran and [p.code for p in result.problems] == ["sheet_missing"]


def test_control_matrices_and_the_log_are_read(tmp_path):
    controls = [
        {
            "control_id": "C-YS-01",
            "prepare_post": "出纳岗",
            "review_post": "会计岗",
            "approve_post": "审批岗",
            "area_name": "预算",
        },
        {
            "control_id": "C-CG-01",
            "prepare_post": "审批岗",
            "review_post": "审批岗",
            "approve_post": "",
            "area_name": "采购",
        },
    ]
    log = [
        {
            "voucher": "记-1",
            "applicant": "李娜",
            "approver": "李 娜",
            "payer": "张伟（0101）",
            "bookkeeper": "张伟（0102）",
            "amount": 300,
            "date": dt.date(2026, 2, 3),
        }
    ]
    path = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=PEOPLE, controls=controls, transactions=log)
    result = check(path)
    got = sorted(
        (c.kind, c.rule_id, c.reference, c.area, c.sources[0])
        for c in result.conflicts
        if c.kind in ("control", "transaction")
    )
    assert got == [
        ("control", "KZ-01", "C-CG-01", "procurement", "风险控制矩阵-采购!A3"),
        ("transaction", "JL-01", "记-1", "revenue_expenditure", "支出审批记录!A2"),
    ]
    assert set(result.sheets_read) == {"不相容岗位", "风险控制矩阵-预算", "风险控制矩阵-采购", "支出审批记录"}


@pytest.mark.parametrize(
    "name, area",
    [
        ("风险控制矩阵-预算", "budget"),
        ("风险控制矩阵－收支", "revenue_expenditure"),
        ("风险控制矩阵（单位层面）", "unit"),
        ("Control matrix-Contracts", "contracts"),
        ("风险控制矩阵", ""),
        ("风险控制矩阵-食堂", ""),
    ],
)
def test_the_area_of_a_control_matrix_comes_from_its_sheet_name(name, area):
    assert matrix_area(name, default_methodology()) == area


def test_merged_title_and_extra_columns_do_not_disturb_the_tables(tmp_path):
    path = build(tmp_path / "unit.xlsx", duty_rules=RULES, post_duties=POSTS, person_posts=PEOPLE)
    wb = openpyxl.load_workbook(path)
    ws = wb["不相容岗位"]
    ws.merge_cells("A1:P1")
    ws["Q3"], ws["Q4"] = "备注", "临时"  # a unit's own column after the people table
    wb.save(path)
    assert [(c.rule_id, c.person) for c in check(path).conflicts] == [("ZD-01", "李娜")]
