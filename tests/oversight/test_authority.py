"""Tiered approval limits: over-limit approvals and possibly split payments."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core.authority import UNLIMITED, read_limit
from icx.core.methodology import default_methodology

from .build import authority

PEOPLE = [
    ("刘科长", "", "科长", "2020-01-01", None),
    ("陈处长", "", "处长", "2020-01-01", None),
    ("周局长", "", "局长", "2020-01-01", None),
]
LIMITS = [("科长", None, 10000), ("处长", None, "5万"), ("处长", "差旅费", 2000), ("局长", None, "不限")]


def found(report, kind=None):
    return [f for f in report.findings if kind is None or f.kind == kind]


def test_limits_are_amounts_or_unlimited() -> None:
    assert read_limit("5万") == 50000 and read_limit("¥12,000") == 12000 and read_limit(0) == 0
    assert read_limit("不限") == UNLIMITED and read_limit("Unlimited") == UNLIMITED
    assert read_limit("很多") is None and read_limit(-1) is None


def test_an_approval_exactly_at_the_limit_is_within_it() -> None:
    report = authority([("V1", "刘科长", 10000, "2026-03-01", "甲公司")], LIMITS, PEOPLE)
    assert report.findings == [] and report.problems == []
    assert report.checked[0].limit == 10000


def test_an_approval_a_cent_above_the_limit_is_a_finding() -> None:
    report = authority([("V1", "刘科长", "10000.01", "2026-03-01", "甲公司")], LIMITS, PEOPLE)
    (finding,) = report.findings
    assert (finding.kind, finding.severity, finding.reference) == ("approval_over_limit", "high", "V1")
    assert finding.amount == 10000.01 and finding.limit == 10000 and finding.post == "科长"
    assert "10,000.01" in finding.message and finding.fields == ("amount",)


def test_a_scoped_line_wins_over_the_general_one() -> None:
    log = [
        ("V1", "陈处长", 3000, "2026-03-01", "乙酒店", "差旅费"),
        ("V2", "陈处长", 30000, "2026-03-01", "丙公司", "办公用品"),
    ]
    report = authority(log, LIMITS, PEOPLE)
    assert [f.reference for f in found(report)] == ["V1"]
    assert found(report)[0].limit == 2000


def test_an_area_name_matches_its_area_in_any_wording() -> None:
    lines = [("科长", "政府采购管理", 5000)]
    report = authority([("V1", "刘科长", 6000, "2026-03-01", "甲公司", "采购")], lines, PEOPLE)
    assert [f.kind for f in report.findings] == ["approval_over_limit"]


def test_the_approver_gets_the_largest_limit_of_the_posts_held_that_day() -> None:
    people = [("刘某", "", "科长", "2020-01-01", "2026-05-31"), ("刘某", "", "处长", "2026-03-01", None)]
    log = [("V1", "刘某", 20000, "2026-02-01", "甲"), ("V2", "刘某", 20000, "2026-04-01", "乙")]
    report = authority(log, LIMITS, people)
    assert [f.reference for f in report.findings] == ["V1"]


def test_unlimited_authority_is_never_over() -> None:
    report = authority([("V1", "周局长", 9_000_000, "2026-03-01", "丁公司")], LIMITS, PEOPLE)
    assert report.findings == []


def test_approvers_without_a_post_or_a_limit_are_reported_once() -> None:
    people = [*PEOPLE, ("孙科员", "", "科员", "2020-01-01", None)]
    log = [
        ("V1", "孙科员", 100, "2026-03-01", "甲"),
        ("V2", "孙科员", 200, "2026-03-02", "甲"),
        ("V3", "路人", 50, "2026-03-01", "乙"),
    ]
    report = authority(log, LIMITS, people)
    assert report.findings == []
    assert sorted(p.code for p in report.problems) == ["authority_approver_no_limit", "authority_approver_no_post"]
    no_limit = next(p for p in report.problems if p.code == "authority_approver_no_limit")
    assert no_limit.params["count"] == 2 and no_limit.row == 5


def test_bad_rows_are_reported_with_their_cells() -> None:
    log = [
        ("V1", None, 100, "2026-03-01", "甲"),
        ("V2", "刘科长", None, "2026-03-01", "甲"),
        ("V3", "刘科长", "若干", "2026-03-01", "甲"),
        ("V4", "刘科长", 20000, None, "甲"),
    ]
    report = authority(log, [*LIMITS, ("科员", None, "很多")], PEOPLE)
    codes = sorted((p.code, p.field) for p in report.problems)
    assert codes == [
        ("authority_amount_invalid", "amount"),
        ("authority_date_missing", "date"),
        ("authority_limit_invalid", "limit"),
        ("authority_no_amount", "amount"),
        ("authority_no_approver", "approver"),
    ]
    assert [f.reference for f in report.findings] == ["V4"]  # no date: still over every post's limit


# --- splitting ---------------------------------------------------------------------------------
def three(days: tuple[int, int, int], amount: float = 4000, payee: str = "甲公司") -> list[tuple]:
    start = dt.date(2026, 3, 1)
    return [
        (f"V{i}", "刘科长", amount, (start + dt.timedelta(days=d)).isoformat(), payee) for i, d in enumerate(days, 1)
    ]


def test_three_payments_under_the_limit_within_the_window_are_flagged() -> None:
    report = authority(three((0, 15, 30)), LIMITS, PEOPLE)
    (finding,) = report.findings
    assert (finding.kind, finding.severity, finding.subject) == ("possible_split", "medium", "甲公司")
    assert finding.reference == "V1、V2、V3" and finding.amount == 12000 and finding.limit == 10000
    assert finding.period == "2026-03-01 ~ 2026-03-31"


def test_three_payments_under_the_limit_outside_the_window_are_not() -> None:
    # day 0 and day 31 are 31 days apart: no 30-day window holds all three, and two make 8,000
    assert authority(three((0, 15, 31)), LIMITS, PEOPLE).findings == []


def test_the_window_comes_from_the_methodology() -> None:
    m = default_methodology().override({"authority": {"split_window_days": 31}})
    assert [f.kind for f in authority(three((0, 15, 31)), LIMITS, PEOPLE, m).findings] == ["possible_split"]


def test_payees_are_compared_without_spaces_or_case() -> None:
    log = three((0, 1, 2))
    log[1] = (*log[1][:4], " 甲 公司 ")
    assert len(authority(log, LIMITS, PEOPLE).findings) == 1
    log[1] = (*log[1][:4], "乙公司")
    assert authority(log, LIMITS, PEOPLE).findings == []


def test_a_payment_approved_at_a_higher_tier_is_not_a_split_of_a_lower_one() -> None:
    log = [*three((0, 1), amount=4000), ("V9", "陈处长", 3000, "2026-03-03", "甲公司")]
    # 4,000 + 4,000 stay under the 科长's 10,000; with the 处长's 3,000 they pass 10,000 but not 50,000
    assert authority(log, LIMITS, PEOPLE).findings == []


def test_small_payments_can_be_left_out_by_share() -> None:
    log = three((0, 1, 2), amount=4000) + [("V9", "刘科长", 500, "2026-03-02", "甲公司")]
    m = default_methodology().override({"authority": {"split_min_share": 0.3}})
    (finding,) = authority(log, LIMITS, PEOPLE, m).findings
    assert "V9" not in finding.reference


def test_over_limit_payments_are_findings_of_their_own_not_parts_of_a_split() -> None:
    log = [("V1", "刘科长", 12000, "2026-03-01", "甲公司"), ("V2", "刘科长", 500, "2026-03-02", "甲公司")]
    assert [f.kind for f in authority(log, LIMITS, PEOPLE).findings] == ["approval_over_limit"]


payment = st.tuples(st.integers(min_value=0, max_value=90), st.integers(min_value=1, max_value=10000))


@settings(max_examples=60)
@given(st.lists(payment, min_size=1, max_size=12))
def test_every_split_is_within_limits_and_adds_up_past_one(items) -> None:
    start = dt.date(2026, 1, 1)
    log = [
        (f"V{i}", "刘科长", amount, (start + dt.timedelta(days=d)).isoformat(), "甲公司")
        for i, (d, amount) in enumerate(items)
    ]
    report = authority(log, LIMITS, PEOPLE)
    splits = found(report, "possible_split")
    assert not found(report, "approval_over_limit")  # every amount is at most the 10,000 limit
    flagged = {v for f in splits for v in f.reference.split("、")}
    assert len(flagged) == sum(len(f.reference.split("、")) for f in splits)  # a payment in one finding only
    for f in splits:
        assert f.amount > f.limit == 10000
    # a window of 30 days adding up past the limit exists exactly when something is flagged
    dated = sorted((start + dt.timedelta(days=d), a) for d, a in items)
    over = any(
        sum(a for day, a in dated if last - dt.timedelta(days=30) <= day <= last) > 10000
        and sum(1 for day, _ in dated if last - dt.timedelta(days=30) <= day <= last) >= 2
        for last, _ in dated
    )
    assert bool(splits) == over
