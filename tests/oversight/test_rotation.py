"""Key-post rotation: key posts, continuous tenure, periods by post and kind, special audits."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from icx.core.conflicts import PostDuties, default_library
from icx.core.dates import add_months
from icx.core.methodology import default_methodology
from icx.core.persons import DAY_MAX
from icx.core.rotation import join_periods, profile_posts, rotation_due, tenure_years, unaudited

from .build import D, rotation

AS_OF = D(2026, 1, 1)


def kinds(report) -> list[str]:
    return [f.kind for f in report.findings]


# --- key posts and their periods ---------------------------------------------------------------
def test_key_posts_are_recognised_from_their_duties_and_kinds() -> None:
    m = default_methodology()
    posts = PostDuties(
        duties={
            "出纳": ["现金出纳"],
            "会计": ["记账"],
            "内审": ["内部审计"],
            "文秘": ["公文处理"],
            "采购专员": ["联系供应商"],
        },
        names={"出纳": "出纳", "会计": "会计", "内审": "内审", "文秘": "文秘", "采购专员": "采购专员"},
    )
    profiles = profile_posts(posts, default_library(), m.rotation)
    assert profiles["出纳"].key and profiles["出纳"].kinds == ("cashier",) and profiles["出纳"].years == 3
    assert profiles["出纳"].basis == "kind" and "revenue_expenditure" in profiles["出纳"].areas
    assert profiles["会计"].key and profiles["会计"].years == 5 and profiles["会计"].basis == "default"
    assert profiles["内审"].key and "supervision" in profiles["内审"].areas
    assert not profiles["文秘"].key and profiles["文秘"].areas == ()
    # a procurement post known only by its name is still a procurement post
    assert (
        profiles["采购专员"].key and profiles["采购专员"].kinds == ("procurement",) and profiles["采购专员"].years == 3
    )


def test_a_methodology_changes_periods_and_key_areas() -> None:
    m = default_methodology().override(
        {"rotation": {"years": 4, "key_areas": ["budget"], "posts": [{"post": "出纳", "years": 2}]}}
    )
    posts = PostDuties(
        duties={"出纳": ["出纳"], "会计": ["记账"], "预算": ["预算编制"]},
        names={"出纳": "出纳", "会计": "会计", "预算": "预算"},
    )
    profiles = profile_posts(posts, default_library(), m.rotation)
    assert profiles["出纳"].years == 2 and profiles["出纳"].basis == "post"
    assert not profiles["会计"].key  # 收支 is no longer a key area
    assert profiles["预算"].key and profiles["预算"].years == 4


# --- tenure at the limit -----------------------------------------------------------------------
def test_tenure_exactly_at_the_limit_is_not_a_finding() -> None:
    report = rotation([("李会计", "", "会计", "2021-01-01", None)], AS_OF)
    assert kinds(report) == []
    (tenure,) = report.tenures
    assert tenure.years == 5.0 and tenure.due == AS_OF and not tenure.overdue


def test_one_day_past_the_limit_is_a_finding() -> None:
    report = rotation([("李会计", "", "会计", "2021-01-01", None)], AS_OF + dt.timedelta(days=1))
    (finding,) = report.findings
    assert (finding.kind, finding.severity, finding.subject, finding.post) == (
        "rotation_overdue",
        "high",
        "李会计",
        "会计",
    )
    assert finding.due == AS_OF and finding.days_over == 1
    assert "5年" in finding.message and finding.area == "revenue_expenditure"


def test_cashier_and_procurement_posts_rotate_after_three_years() -> None:
    people = [("王出纳", "", "出纳", "2023-01-01", None), ("赵采购", "", "采购专员", "2023-01-02", None)]
    assert kinds(rotation(people, AS_OF)) == []  # the cashier exactly at 3 years, procurement a day short
    report = rotation(people, D(2026, 1, 3))
    assert sorted(f.subject for f in report.findings) == ["王出纳", "赵采购"]
    assert {f.due for f in report.findings} == {D(2026, 1, 1), D(2026, 1, 2)}


def test_a_post_that_is_not_key_is_never_a_finding() -> None:
    report = rotation([("钱文秘", "", "文秘", "2000-01-01", None)], AS_OF)
    assert report.findings == [] and report.tenures == []


# --- continuous tenure -------------------------------------------------------------------------
def test_consecutive_assignments_join_into_one_tenure() -> None:
    report = rotation(
        [("李会计", "", "会计", "2019-01-01", "2022-06-30"), ("李会计", "", "会计", "2022-07-01", None)], AS_OF
    )
    (finding,) = report.findings
    assert finding.kind == "rotation_overdue" and "2019-01-01" in finding.message
    assert report.tenures[0].years == 7.0 and len(report.tenures[0].rows) == 2


def test_overlapping_assignments_join_too() -> None:
    report = rotation(
        [("李会计", "", "会计", "2019-01-01", "2023-06-30"), ("李会计", "", "会计", "2023-01-01", None)], AS_OF
    )
    assert kinds(report) == ["rotation_overdue"] and report.tenures[0].start == D(2019, 1, 1)


def test_a_gap_between_two_assignments_starts_the_tenure_again() -> None:
    report = rotation(
        [("李会计", "", "会计", "2019-01-01", "2022-06-30"), ("李会计", "", "会计", "2022-07-02", None)], AS_OF
    )
    assert kinds(report) == []
    (tenure,) = report.tenures
    assert tenure.start == D(2022, 7, 2) and tenure.due == D(2027, 7, 2)


def test_only_the_post_held_on_the_as_of_date_is_checked() -> None:
    left = [("李会计", "", "会计", "2010-01-01", "2020-12-31"), ("李会计", "", "预算专员", "2021-01-01", None)]
    report = rotation(left, AS_OF)
    assert kinds(report) == [] and [t.post_name for t in report.tenures] == ["预算专员"]


def test_namesakes_with_different_ids_are_two_people() -> None:
    report = rotation(
        [("张伟", "001", "会计", "2019-01-01", "2022-06-30"), ("张伟", "002", "会计", "2022-07-01", None)], AS_OF
    )
    assert kinds(report) == [] and len(report.tenures) == 1


def test_an_unknown_start_is_reported_not_guessed() -> None:
    report = rotation([("李会计", "", "会计", None, None)], AS_OF)
    assert report.findings == []
    assert [p.code for p in report.problems] == ["rotation_start_unknown"]
    assert report.problems[0].field == "date_from" and report.tenures[0].years is None


# --- special audits ----------------------------------------------------------------------------
EIGHT_YEARS = [("李会计", "", "会计", "2018-01-01", None)]


def test_an_audit_covering_the_early_years_restarts_the_clock() -> None:
    report = rotation(EIGHT_YEARS, AS_OF, audit_rows=[("会计", "2018-01-01", "2021-12-31", "2022-03-01")])
    assert kinds(report) == []
    (tenure,) = report.tenures
    assert tenure.audited and tenure.due == D(2027, 1, 1) and tenure.years == 8.0


def test_an_audit_covering_too_little_of_the_tenure_leaves_a_finding() -> None:
    report = rotation(EIGHT_YEARS, AS_OF, audit_rows=[("会计", "2018-01-01", "2019-12-31", "2020-02-01")])
    (finding,) = report.findings
    assert finding.kind == "rotation_overdue" and finding.params["piece_start"] == "2020-01-01"
    assert finding.due == D(2025, 1, 1) and finding.days_over == 365


def test_an_audit_in_the_middle_splits_the_tenure_into_two_short_stretches() -> None:
    report = rotation(EIGHT_YEARS, AS_OF, audit_rows=[("会计", "2021-01-01", "2022-12-31", "2023-02-01")])
    assert kinds(report) == []


def test_a_long_stretch_before_a_late_audit_is_a_period_nobody_audited() -> None:
    report = rotation(EIGHT_YEARS, AS_OF, audit_rows=[("会计", "2024-01-01", "2025-06-30", "2025-08-01")])
    (finding,) = report.findings
    assert (finding.kind, finding.severity) == ("rotation_unaudited", "medium")
    assert finding.period == "2018-01-01 ~ 2023-12-31" and finding.due == D(2023, 1, 1)


def test_audits_of_other_posts_or_not_yet_done_do_not_count() -> None:
    report = rotation(
        EIGHT_YEARS,
        AS_OF,
        audit_rows=[
            ("出纳", "2018-01-01", "2025-12-31", "2025-12-31"),
            ("会计", "2018-01-01", "2025-12-31", "2026-02-01"),
        ],
    )
    assert kinds(report) == ["rotation_overdue"]
    assert [p.code for p in report.problems] == ["audit_not_done"]


def test_an_audit_row_missing_its_dates_is_reported() -> None:
    report = rotation(EIGHT_YEARS, AS_OF, audit_rows=[("会计", "2018-01-01", None, "上月")])
    assert sorted(p.code for p in report.problems) == ["oversight_date_invalid", "required_blank"]
    assert kinds(report) == ["rotation_overdue"]


# --- the unit's own lines ----------------------------------------------------------------------
def test_a_unit_marks_posts_key_or_not_and_sets_their_periods() -> None:
    people = [
        ("钱文秘", "", "文秘", "2023-01-01", None),
        ("李会计", "", "会计", "2016-01-01", None),
        ("王出纳", "", "出纳", "2019-01-01", None),
    ]
    report = rotation(people, AS_OF, lines=[("文秘", "是", 2), ("会计", "否", None), ("出纳", None, 8)])
    assert [(f.subject, f.kind) for f in report.findings] == [("钱文秘", "rotation_overdue")]
    assert report.findings[0].due == D(2025, 1, 1)


def test_bad_lines_are_reported_and_fall_back() -> None:
    report = rotation(
        [("李会计", "", "会计", "2019-01-01", None)], AS_OF, lines=[("会计", "也许", "很久"), ("会计", "是", 9)]
    )
    assert sorted(p.code for p in report.problems) == [
        "oversight_flag_invalid",
        "rotation_post_repeated",
        "rotation_years_invalid",
    ]
    assert kinds(report) == ["rotation_overdue"]  # default 5 years, the repeated line ignored


# --- properties --------------------------------------------------------------------------------
days = st.integers(min_value=0, max_value=4000).map(lambda n: D(2015, 1, 1) + dt.timedelta(days=n))
periods = st.lists(st.tuples(days, days).map(lambda p: (min(p), max(p))), max_size=8)


def covered_days(items) -> set[dt.date]:
    out = set()
    for start, end in items:
        out |= {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}
    return out


@given(periods)
def test_joined_periods_cover_the_same_days_and_never_touch(items) -> None:
    joined = join_periods(items)
    assert covered_days(joined) == covered_days(items)
    for (_, end), (start, _) in zip(joined, joined[1:]):
        assert (start - end).days >= 2  # a free day between any two runs


@given(days, days, periods)
def test_unaudited_stretches_and_audits_partition_the_tenure(start, stop, audits) -> None:
    start, stop = min(start, stop), max(start, stop)
    stretches = unaudited(start, stop, audits)
    free = covered_days([(a, e - dt.timedelta(days=1)) for a, e in stretches if e > a])
    tenure = covered_days([(start, stop - dt.timedelta(days=1))]) if stop > start else set()
    audited = covered_days(audits) & tenure
    assert free | audited == tenure and not free & audited


@given(days, st.integers(min_value=1, max_value=10), st.integers(min_value=-400, max_value=400))
def test_a_lone_assignment_is_overdue_exactly_when_past_its_due_date(start, years, offset) -> None:
    as_of = add_months(start, 12 * years) + dt.timedelta(days=offset)
    if as_of < start:
        return
    m = default_methodology().override({"rotation": {"years": years, "kinds": []}})
    report = rotation([("李会计", "", "会计", start.isoformat(), None)], as_of, methodology=m)
    assert bool(report.findings) == (offset > 0)
    assert rotation_due(start, years) == add_months(start, 12 * years)
    assert report.tenures[0].years == tenure_years(start, as_of)


def test_an_open_period_joins_everything_after_it() -> None:
    assert join_periods([(D(2020, 1, 1), DAY_MAX), (D(2022, 1, 1), D(2022, 2, 1))]) == [(D(2020, 1, 1), DAY_MAX)]
