"""Self-evaluation scoring: exact percentages on a hand-computed example, 不适用, the partial
factor, deficiencies and the overdue boundary, every invalid row named by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core.evaluation import default_config, evaluate, is_overdue, item_score, percent
from icx.core.rows import Rows

AS_OF = dt.date(2026, 11, 23)
KEYS = [
    "item_id",
    "area",
    "focus",
    "weight",
    "result",
    "effectiveness",
    "deficiency",
    "grade",
    "deadline",
    "status",
    "owner",
    "owner_email",
    "score",
]


def sheet(rows: list[dict]) -> Rows:
    return Rows.of(rows, KEYS, first_row=3)


def item(item_id, area, weight, result, effectiveness="执行", **more):
    return {
        "item_id": item_id,
        "area": area,
        "focus": "要点",
        "weight": weight,
        "result": result,
        "effectiveness": effectiveness,
        **more,
    }


def failed(item_id, area, weight, **more):
    return item(item_id, area, weight, "不符合", **{"deficiency": "问题", "grade": "一般", "owner": "甲", **more})


# Hand-computed (partial factor 0.5):
#   预算: 2 (符合) + 3×0.5 (基本符合) + 0 (不符合, weight 1); 不适用 weight 4 left out → 3.5 / 6 = 58.33 %
#   收支: 5 (符合) + 3×0.5 → 6.5 / 8 = 81.25 %
#   采购: only 不适用 → no percentage
#   overall: 10 / 14 = 71.43 %; design items A1, B1: 7/7 = 100 %; operating: 3 / 7 = 42.86 %
EXAMPLE = [
    item("A1", "预算", 2, "符合", "设计"),
    item("A2", "预算", 3, "基本符合"),
    failed("A3", "预算", 1, deadline="2026-12-31"),
    item("A4", "预算", 4, "不适用"),
    item("B1", "收支", 5, "符合", "设计"),
    item("B2", "收支", 3, "基本符合"),
    item("C1", "政府采购管理", 2, "不适用"),
]


def test_hand_computed_percentages():
    result = evaluate(sheet(EXAMPLE), AS_OF)
    assert result.problems == []
    got = {a.area: (a.items, a.applicable, a.weight, a.score, a.percent) for a in result.areas}
    assert got == {
        "budget": (4, 3, 6.0, 3.5, 58.33),
        "revenue_expenditure": (2, 2, 8.0, 6.5, 81.25),
        "procurement": (1, 0, 0.0, 0.0, None),
    }
    o = result.overall
    assert (o.items, o.applicable, o.weight, o.score, o.percent) == (7, 5, 14.0, 10.0, 71.43)
    assert (o.design_percent, o.operating_percent, o.not_compliant, o.deficiencies) == (100.0, 42.86, 1, 1)


def test_the_partial_factor_is_configurable():
    result = evaluate(sheet(EXAMPLE), AS_OF, default_config().with_partial(0.6))
    assert [a.percent for a in result.areas] == [63.33, 85.0, None] and result.overall.percent == 75.71
    assert result.partial_factor == 0.6
    with pytest.raises(ValueError):
        default_config().with_partial(1.5)


def test_not_applicable_items_leave_the_denominator():
    with_na = evaluate(sheet(EXAMPLE), AS_OF)
    without = evaluate(sheet([r for r in EXAMPLE if r["result"] != "不适用"]), AS_OF)
    assert [a.percent for a in with_na.areas[:2]] == [a.percent for a in without.areas]
    assert with_na.overall.percent == without.overall.percent
    assert item_score("na", 4, 0.5) is None and item_score("partial", 4, 0.5) == 2.0


def test_wordings_are_read_loosely():
    rows = [
        item("A1", "budget", "２", " 符 合 "),
        item("A2", "Budget", 2.0, "Largely compliant"),
        item("A3", "预算管理", "2", "n/a"),
    ]
    result = evaluate(sheet(rows), AS_OF)
    assert result.problems == [] and result.overall.percent == 75.0


def test_overdue_boundary():
    due = dt.date(2026, 11, 23)
    assert not is_overdue(due, "open", as_of=due)  # due today: not yet
    assert is_overdue(due, "open", as_of=due + dt.timedelta(days=1))  # the day after: overdue
    assert is_overdue(due, "in_progress", as_of=due + dt.timedelta(days=1))
    assert not is_overdue(due, "done", as_of=due + dt.timedelta(days=30))
    assert not is_overdue(None, "open", as_of=due)


def test_deficiencies_with_status_deadline_and_counts_by_grade():
    rows = [
        failed("A1", "预算", 1, grade="重大", deadline="2026-11-23", status="未整改"),  # due today
        failed("A2", "预算", 1, grade="重大缺陷", deadline="2026-11-22", status="整改中"),  # one day late
        failed("A3", "预算", 1, grade="重要", deadline=dt.date(2026, 1, 1), status="已整改"),
        failed("A4", "预算", 1, grade="一般", deadline="2026/10/31"),  # blank status = open
        item("A5", "预算", 1, "基本符合", deficiency="部分凭证未签字", grade="一般", owner="乙", deadline="2027-01-31"),
        item("A6", "预算", 1, "基本符合"),  # nothing to fix
    ]
    result = evaluate(sheet(rows), AS_OF)
    assert result.problems == []
    got = [(d.item_id, d.grade, d.status, d.overdue, d.days_overdue) for d in result.deficiencies]
    assert got == [
        ("A1", "major", "open", False, 0),
        ("A2", "major", "in_progress", True, 1),
        ("A3", "important", "done", False, 0),
        ("A4", "general", "open", True, 23),
        ("A5", "general", "open", False, 0),
    ]
    assert result.counts_by_grade() == {
        "major": {"total": 2, "open": 2, "overdue": 1},
        "important": {"total": 1, "open": 0, "overdue": 0},
        "general": {"total": 2, "open": 2, "overdue": 1},
    }
    assert [d.item_id for d in result.overdue_deficiencies] == ["A2", "A4"]


def test_every_invalid_row_is_reported_with_row_and_column():
    rows = [
        item("A1", "预算", 1, "符合"),
        item(None, "预算", 1, "符合"),  # 4: no id
        item("A1", "预算", 1, "符合"),  # 5: repeated id
        item("A3", "食堂", 1, "符合"),  # 6: unknown area
        item("A4", "预算", "很重", "符合"),  # 7: weight not a number
        item("A5", "预算", 0, "符合"),  # 8: weight not above 0
        item("A6", "预算", 1, None),  # 9: no result
        item("A7", "预算", 1, "差不多"),  # 10: unknown result
        item("A8", "预算", 1, "不符合", grade="一般"),  # 11: no description
        item("A9", "预算", 1, "不符合", deficiency="未盘点"),  # 12: no grade
        item(
            "B1", "预算", 1, "不符合", deficiency="未盘点", grade="严重", owner="甲", deadline="下个月", status="快好了"
        ),  # 13
        item("B2", "预算", 1, "符合", deficiency="其实有问题"),  # 14: deficiency on a pass (warning)
        item("B3", "预算", 1, "符合", effectiveness="随便"),  # 15: unknown effectiveness (warning)
        item(
            "B4",
            "预算",
            1,
            "不符合",
            deficiency="未盘点",
            grade="一般",
            owner_email="not-an-email",
            owner="甲",
            deadline="2027-01-01",
        ),  # 16: malformed email (warning)
        item("B5", "预算", 2, "符合", score=1),  # 17: stored score differs (warning)
    ]
    result = evaluate(sheet(rows), AS_OF)
    assert sorted((p.row, p.field, p.code, p.severity) for p in result.problems) == [
        (4, "item_id", "required_blank", "error"),
        (5, "item_id", "evaluation_duplicate_id", "error"),
        (6, "area", "area_invalid", "error"),
        (7, "weight", "evaluation_weight_invalid", "error"),
        (8, "weight", "evaluation_weight_invalid", "error"),
        (9, "result", "evaluation_result_blank", "error"),
        (10, "result", "evaluation_result_invalid", "error"),
        (11, "deadline", "evaluation_deadline_missing", "warning"),
        (11, "deficiency", "evaluation_deficiency_missing", "error"),
        (11, "owner", "evaluation_owner_missing", "warning"),
        (12, "deadline", "evaluation_deadline_missing", "warning"),
        (12, "grade", "evaluation_grade_missing", "error"),
        (12, "owner", "evaluation_owner_missing", "warning"),
        (13, "deadline", "evaluation_deadline_invalid", "error"),
        (13, "grade", "evaluation_grade_invalid", "error"),
        (13, "status", "evaluation_status_invalid", "error"),
        (14, "deficiency", "evaluation_deficiency_on_pass", "warning"),
        (15, "effectiveness", "evaluation_effectiveness_invalid", "warning"),
        (16, "owner_email", "evaluation_email_invalid", "warning"),
        (17, "score", "stored_differs", "warning"),
    ]
    # bad rows (4–10) are left out of the scores; incomplete deficiencies (11–13) still count
    assert result.overall.items == 8 and result.overall.applicable == 8
    assert {d.item_id for d in result.deficiencies} == {"A8", "A9", "B1", "B4"}


def test_percent_rounds_half_up_like_excel():
    assert percent(1, 8, 2) == 12.5 and percent(2, 3, 2) == 66.67 and percent(0.125, 1, 1) == 12.5
    assert percent(1, 0) is None


results = st.sampled_from(["符合", "基本符合", "不符合", "不适用"])
weights = st.integers(min_value=1, max_value=10)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(weights, results), min_size=1, max_size=25), weights, st.floats(0, 1))
def test_properties_of_the_score(rows, extra_weight, factor):
    config = default_config().with_partial(factor)
    items = [
        failed(f"X{i}", "预算", w) if r == "不符合" else item(f"X{i}", "预算", w, r) for i, (w, r) in enumerate(rows)
    ]
    result = evaluate(sheet(items), AS_OF, config)
    if result.overall.percent is not None:
        assert 0 <= result.overall.percent <= 100
    # adding a 不适用 item never changes the score; adding a 符合 item never lowers it
    na = evaluate(sheet(items + [item("NA", "预算", extra_weight, "不适用")]), AS_OF, config)
    assert na.overall.percent == result.overall.percent
    ok = evaluate(sheet(items + [item("OK", "预算", extra_weight, "符合")]), AS_OF, config)
    assert ok.overall.percent >= (result.overall.percent or 0)
    if all(r == "符合" for _, r in rows):
        assert result.overall.percent == 100.0
