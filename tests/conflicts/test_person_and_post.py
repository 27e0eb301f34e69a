"""Kinds 1 and 2: a person holding incompatible posts (dates, acting, namesakes, spaces) and a
post carrying incompatible duties; the unit's own rules; problems named by row and column."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from .frames import check, check_tables, found, people, posts, rules

POSTS = {"出纳岗": ["出纳"], "会计岗": ["会计记账"], "审批岗": ["支出审批"], "档案岗": ["会计档案保管"]}
D = dt.date


# --- kind 1: a person holding two posts --------------------------------------------------------
def test_one_person_in_two_incompatible_posts_is_flagged_with_rule_and_fix():
    report = check(POSTS, [("赵磊", "0007", "出纳岗"), ("赵磊", "0007", "会计岗")])
    (conflict,) = [c for c in report.conflicts if c.rule_id == "SZ-03"]
    assert (conflict.kind, conflict.person, conflict.employee_id) == ("person", "赵磊", "0007")
    assert conflict.posts == ("出纳岗", "会计岗")
    assert (conflict.duty_a, conflict.duty_b, conflict.area, conflict.severity) == (
        "付款执行",
        "会计记账",
        "revenue_expenditure",
        "high",
    )
    assert "赵磊" in conflict.fix and "出纳岗" in conflict.fix and "会计岗" in conflict.fix_en


def test_two_people_in_the_two_posts_are_fine():
    assert check(POSTS, [("赵磊", "0007", "出纳岗"), ("钱多", "0008", "会计岗")]).conflicts == []


def test_dates_that_do_not_overlap_are_fine():
    # handed the cash desk over on 6-30, keeps the books from 7-01
    report = check(
        POSTS, [("赵磊", "7", "出纳岗", D(2024, 1, 1), D(2025, 6, 30)), ("赵磊", "7", "会计岗", D(2025, 7, 1))]
    )
    assert report.conflicts == []


def test_dates_that_overlap_by_one_day_conflict_and_the_period_is_shown():
    report = check(
        POSTS, [("赵磊", "7", "出纳岗", D(2024, 1, 1), D(2025, 7, 1)), ("赵磊", "7", "会计岗", "2025-07-01")]
    )
    assert [c.period for c in report.conflicts] == ["2025-07-01 ~ 2025-07-01"]


def test_an_open_end_overlaps_everything_after_its_start():
    report = check(POSTS, [("赵磊", "7", "出纳岗", None, None), ("赵磊", "7", "会计岗", "2026/3/1", "2026/3/31")])
    assert [c.period for c in report.conflicts] == ["2026-03-01 ~ 2026-03-31"]


def test_an_acting_assignment_counts_and_is_labelled():
    by_column = check(POSTS, [("孙丽", "9", "审批岗"), ("孙丽", "9", "出纳岗", D(2026, 5, 1), D(2026, 5, 20), "是")])
    by_mark = check(POSTS, [("孙丽", "9", "审批岗"), ("孙丽", "9", "出纳岗（代理）", D(2026, 5, 1), D(2026, 5, 20))])
    for report in (by_column, by_mark):
        (conflict,) = report.conflicts
        assert conflict.rule_id == "SZ-02" and "出纳岗（代理）" in conflict.posts
        assert conflict.period == "2026-05-01 ~ 2026-05-20"


def test_an_acting_assignment_outside_the_other_post_is_fine():
    report = check(
        POSTS,
        [
            ("孙丽", "9", "审批岗", D(2026, 1, 1), D(2026, 4, 30)),
            ("孙丽", "9", "出纳岗", D(2026, 5, 1), D(2026, 5, 20), "是"),
        ],
    )
    assert report.conflicts == []


def test_namesakes_with_different_ids_are_two_people():
    report = check(POSTS, [("张伟", "0101", "出纳岗"), ("张伟", "0102", "会计岗")])
    assert report.conflicts == []


def test_the_same_id_written_with_different_spacing_is_one_person():
    report = check(POSTS, [("张伟", "0101", "出纳岗"), ("张 伟", "101", "会计岗")])
    assert found(report) == {("SZ-03", "张伟")}


def test_full_width_and_half_width_spaces_in_a_name_are_the_same_person():
    for written in ("李　娜", "李 娜", " 李娜 ", "李\u00a0娜"):
        report = check(POSTS, [("李娜", None, "出纳岗"), (written, None, "会计岗")])
        assert {c.rule_id for c in report.conflicts} == {"SZ-03"}, written


def test_a_name_without_id_joins_the_only_person_of_that_name():
    report = check(POSTS, [("李　娜", "0300", "出纳岗"), ("李娜", None, "会计岗")])
    assert [(c.rule_id, c.employee_id) for c in report.conflicts] == [("SZ-03", "0300")]


def test_an_ambiguous_namesake_without_id_is_reported_not_guessed():
    report = check(POSTS, [("张伟", "1", "出纳岗"), ("张伟", "2", "档案岗"), ("张伟", None, "会计岗")])
    assert report.conflicts == []
    (problem,) = [p for p in report.problems if p.code == "conflicts_namesake_no_id"]
    assert (problem.row, problem.field, problem.severity) == (6, "employee_id", "warning")


def test_several_posts_in_one_cell_and_dates_of_every_form():
    report = check_tables(
        posts({"综合岗": ["支出审批、付款"]}), people([("周平", "5", "综合岗", "2026年1月1日", 46387)])
    )  # 46387 = 2026-12-31
    assert found(report, "post") == {("SZ-02", "周平")}


# --- kind 2: one post carrying both duties -----------------------------------------------------
def test_a_post_with_both_duties_is_flagged_even_when_nobody_holds_it():
    report = check({"财务岗": ["出纳", "会计档案保管"]}, [])
    (conflict,) = report.conflicts
    assert (conflict.kind, conflict.rule_id, conflict.posts, conflict.person) == ("post", "SZ-05", ("财务岗",), "")


def test_a_post_with_compatible_duties_is_fine():
    assert check({"财务岗": ["会计记账", "稽核"]}, [("甲", "1", "财务岗")]).conflicts == []


def test_duty_text_is_matched_loosely():
    report = check({"财务岗": ["出　纳岗 ", "会计 档案保管"]}, [])
    assert {c.rule_id for c in report.conflicts} == {"SZ-05"}


# --- the unit's own rules ----------------------------------------------------------------------
def test_a_unit_can_switch_a_default_rule_off():
    report = check(
        POSTS,
        [("赵磊", "7", "出纳岗"), ("赵磊", "7", "会计岗")],
        duty_rules=rules([{"rule_id": "SZ-03", "enabled": "否"}]),
    )
    assert report.conflicts == [] and report.problems == []


def test_a_unit_can_add_a_rule_and_it_fires():
    report = check(
        {"办公室": ["印章管理"], "审批岗": ["支出审批"]},
        [("孙丽", "9", "办公室"), ("孙丽", "9", "审批岗")],
        duty_rules=rules(
            [{"rule_id": "ZD-01", "area": "单位层面", "duty_a": "印章管理", "duty_b": "支出审批", "basis": "自批自盖"}]
        ),
    )
    (conflict,) = report.conflicts
    assert (conflict.rule_id, conflict.area, conflict.basis, conflict.severity) == (
        "ZD-01",
        "unit",
        "自批自盖",
        "medium",
    )


def test_bad_unit_rules_are_reported_by_row_and_column():
    report = check(
        POSTS,
        [],
        duty_rules=rules(
            [
                {"rule_id": "ZD-01", "duty_a": "印章管理"},  # row 4: duty B missing
                {"rule_id": "SZ-03", "enabled": "也许"},  # row 5: not yes/no
                {"rule_id": "ZD-02", "duty_a": "甲", "duty_b": "乙", "area": "食堂"},  # row 6: unknown area
                {"rule_id": "ZD-02", "duty_a": "丙", "duty_b": "丁"},  # row 7: repeated id
                {"duty_a": "甲", "duty_b": "乙"},  # row 8: no id
            ]
        ),
    )
    assert sorted((p.row, p.field, p.code) for p in report.problems) == [
        (4, "duty_b", "conflicts_rule_incomplete"),
        (5, "enabled", "conflicts_flag_invalid"),
        (6, "area", "area_invalid"),
        (7, "rule_id", "conflicts_rule_repeated"),
        (8, "rule_id", "conflicts_required_blank"),
    ]


# --- problems in the person → post table -------------------------------------------------------
def test_bad_cells_in_the_person_table_are_reported_and_the_check_stays_conservative():
    report = check(
        POSTS,
        [
            ("赵磊", "7", "出纳岗", "上个月", None),  # row 4: not a date → treated as open
            ("赵磊", "7", "会计岗", "2026-05-01", "2026-01-01"),  # row 5: reversed → swapped
            (None, "8", "会计岗"),  # row 6: no name
            ("钱多", "9", "食堂岗"),  # row 7: post with no duties
            ("孙丽", "10", "出纳岗", "2026-01-01", None, "是"),  # row 8: acting without an end
            ("孙丽", "10", "会计岗", None, None, "偶尔"),  # row 9: acting neither yes nor no
        ],
    )
    assert sorted((p.row, p.field, p.code, p.severity) for p in report.problems) == [
        (4, "date_from", "conflicts_date_invalid", "error"),
        (5, "date_to", "conflicts_dates_reversed", "error"),
        (6, "person", "conflicts_required_blank", "error"),
        (7, "post", "conflicts_post_unknown", "warning"),
        (8, "date_to", "conflicts_acting_open", "warning"),
        (9, "acting", "conflicts_flag_invalid", "error"),
    ]
    assert found(report) == {("SZ-03", "赵磊"), ("SZ-03", "孙丽")}
    assert next(c for c in report.conflicts if c.person == "赵磊").period == "2026-01-01 ~ 2026-05-01"


def test_one_id_with_two_names_is_a_warning_and_one_person():
    report = check(POSTS, [("赵磊", "7", "出纳岗"), ("赵蕾", "7", "会计岗")])
    assert [p.code for p in report.problems] == ["conflicts_id_names_differ"]
    assert {c.rule_id for c in report.conflicts} == {"SZ-03"}


# --- property: adding an unrelated person never removes a conflict ---------------------------
POST_NAMES = list(POSTS) + ["综合岗"]
PEOPLE_POSTS = {**POSTS, "综合岗": ["支出申请", "支出审批"]}
names = st.sampled_from(["张伟", "张　伟", "李娜", "王芳", "赵磊"])
ids = st.sampled_from([None, "1", "2", "3"])
days = st.one_of(st.none(), st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)))
rows = st.tuples(names, ids, st.sampled_from(POST_NAMES), days, days, st.sampled_from([None, "是", "否"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, max_size=8), st.sampled_from(POST_NAMES), days, days)
def test_adding_an_unrelated_person_never_removes_a_conflict(existing, post, start, end):
    before = check(PEOPLE_POSTS, existing)
    newcomer = ("新来的", "999", post, start, end, None)
    after = check(PEOPLE_POSTS, existing + [newcomer])

    def keys(r):
        return {
            (c.kind, c.rule_id, c.person, c.employee_id, c.posts, c.period) for c in r.conflicts if c.kind == "person"
        }

    assert keys(before) <= keys(after)
    assert {(c.rule_id, c.posts) for c in before.conflicts} <= {(c.rule_id, c.posts) for c in after.conflicts}
