"""Kinds 3 and 4: control-matrix roles and transaction-log roles held by one post or person."""

from __future__ import annotations

import datetime as dt

from .frames import check_tables, controls, log, people, posts

POSTS = {"经办岗": ["支出申请"], "审核岗": ["稽核"], "审批岗": ["支出审批"], "出纳岗": ["出纳"], "会计岗": ["会计记账"]}
STAFF = [
    ("甲", "1", "经办岗"),
    ("乙", "2", "审核岗"),
    ("丙", "3", "审批岗"),
    ("丁", "4", "出纳岗"),
    ("戊", "5", "会计岗"),
]


def run(control_rows=(), log_rows=(), staff=STAFF):
    return check_tables(
        posts(POSTS), people(list(staff)), controls=controls(list(control_rows)), transactions=log(list(log_rows))
    )


def kinds(report, kind):
    return sorted((c.rule_id, c.reference, c.person) for c in report.conflicts if c.kind == kind)


# --- kind 3: control matrix ----------------------------------------------------------------------
def test_distinct_posts_held_by_distinct_people_are_fine():
    assert kinds(run([("C-01", "经办岗", "审核岗", "审批岗")]), "control") == []


def test_a_control_reviewed_by_its_preparing_post_is_flagged():
    report = run([("C-01", "经办岗", "经办岗", "审批岗")])
    assert kinds(report, "control") == [("KZ-01", "C-01", "甲")]
    conflict = report.conflicts[0]
    assert (conflict.duty_a, conflict.duty_b, conflict.posts, conflict.area) == ("经办", "审核", ("经办岗",), "budget")


def test_one_post_in_all_three_roles_breaks_all_three_rules():
    assert [r for r, _, _ in kinds(run([("C-02", "审批岗", "审批岗", "审批岗")]), "control")] == [
        "KZ-01",
        "KZ-02",
        "KZ-03",
    ]


def test_distinct_posts_held_by_the_same_person_are_flagged():
    staff = STAFF + [("乙", "2", "审批岗（代理）", dt.date(2026, 7, 1), dt.date(2026, 7, 31))]
    report = run([("C-03", "经办岗", "审核岗", "审批岗")], staff=staff)
    assert kinds(report, "control") == [("KZ-02", "C-03", "乙")]
    assert report.conflicts[0].posts == ("审核岗", "审批岗（代理）")


def test_the_same_person_in_two_roles_at_different_times_is_fine():
    staff = [("甲", "1", "经办岗", None, dt.date(2025, 12, 31)), ("甲", "1", "审核岗", dt.date(2026, 1, 1), None)]
    assert kinds(run([("C-04", "经办岗", "审核岗", "")], staff=staff), "control") == []


def test_namesakes_in_two_roles_of_a_control_are_fine():
    staff = [("张伟", "0101", "经办岗"), ("张伟", "0102", "审核岗"), ("丙", "3", "审批岗")]
    assert kinds(run([("C-05", "经办岗", "审核岗", "审批岗")], staff=staff), "control") == []


def test_a_role_naming_several_posts_is_compared_post_by_post():
    assert kinds(run([("C-06", "经办岗、出纳岗", "出纳岗", "审批岗")]), "control") == [("KZ-01", "C-06", "丁")]


# --- kind 4: transaction log ---------------------------------------------------------------------
def test_a_clean_log_is_fine():
    assert kinds(run(log_rows=[("记-001", "甲", "丙", "丁", "戊")]), "transaction") == []


def test_applicant_approver_payer_bookkeeper_pairs_are_each_flagged():
    report = run(
        log_rows=[
            ("记-001", "丙", "丙", "丁", "戊"),  # applied and approved
            ("记-002", "甲", "丁", "丁", "戊"),  # approved and paid
            ("记-003", "甲", "丙", "戊", "戊"),  # paid and booked
        ]
    )
    assert kinds(report, "transaction") == [
        ("JL-01", "记-001", "丙"),
        ("JL-02", "记-002", "丁"),
        ("JL-03", "记-003", "戊"),
    ]
    first = next(c for c in report.conflicts if c.reference == "记-001")
    assert (first.employee_id, first.posts, first.duty_a, first.duty_b) == ("3", ("审批岗",), "申请人", "审批人")


def test_names_are_matched_through_spaces_of_any_width():
    assert kinds(
        run(log_rows=[("记-004", "甲", "丙", "戊", "戊　"), ("记-005", "甲", "丙", "戊 ", "　戊")]), "transaction"
    ) == [("JL-03", "记-004", "戊"), ("JL-03", "记-005", "戊")]


def test_namesakes_told_apart_by_ids_in_the_log_are_fine():
    staff = STAFF + [("张伟", "0101", "出纳岗"), ("张伟", "0102", "会计岗")]
    report = run(log_rows=[("记-006", "甲", "丙", "张伟（0101）", "张伟(0102)")], staff=staff)
    assert kinds(report, "transaction") == []


def test_the_same_id_in_two_roles_is_flagged():
    staff = STAFF + [("张伟", "0101", "出纳岗"), ("张伟", "0102", "会计岗")]
    report = run(log_rows=[("记-007", "甲", "丙", "张伟（0101）", "张 伟（101）")], staff=staff)
    (conflict,) = [c for c in report.conflicts if c.kind == "transaction"]
    assert (conflict.rule_id, conflict.employee_id, conflict.uncertain) == ("JL-03", "0101", False)


def test_namesakes_without_ids_are_flagged_as_uncertain():
    staff = STAFF + [("张伟", "0101", "出纳岗"), ("张伟", "0102", "会计岗")]
    report = run(log_rows=[("记-008", "甲", "丙", "张伟", "张伟")], staff=staff)
    (conflict,) = [c for c in report.conflicts if c.kind == "transaction"]
    assert conflict.uncertain and "工号" in conflict.fix and conflict.employee_id == ""


def test_log_problems_name_row_and_column():
    report = run(
        log_rows=[(None, "甲", "丙", "丁", "戊", 100, "2026-01-05"), ("记-009", "甲", "丙", "丁", "戊", 100, "昨天")]
    )
    assert sorted((p.row, p.field, p.severity) for p in report.problems) == [
        (4, "voucher", "error"),
        (5, "date", "warning"),
    ]
