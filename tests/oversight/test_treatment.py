"""Risk treatment plans, residual levels and the committee's sign-off."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from icx.core import scoring
from icx.core.methodology import default_methodology
from icx.core.treatment import check_treatment, read_plans, wording

from .build import FIRST_ROW, D, rows

AS_OF = D(2026, 6, 30)
KEYS = [
    "id", "description", "area_code", "response", "controls", "owner", "treatment_deadline", "treatment_status",
    "residual_likelihood", "residual_impact", "decision", "sign_off_date", "minutes_ref", "next_review",
]  # fmt: skip
FULL = {
    "response": "风险降低",
    "controls": "KZ-01 双人复核",
    "owner": "李处长",
    "treatment_deadline": "2026-09-30",
    "treatment_status": "实施中",
}
SIGNED = {
    "decision": "同意",
    "sign_off_date": "2026-03-15",
    "minutes_ref": "内控委〔2026〕2号",
    "next_review": "2026-12-31",
}


def check(*risks: tuple[int | None, dict], as_of: dt.date = AS_OF, methodology=None):
    """(level, cells) per risk; each risk gets score 20/10/4 by level."""
    m = methodology or default_methodology()
    records = [
        {"id": f"R{i}", "description": f"风险{i}", "area_code": "budget", **cells}
        for i, (_, cells) in enumerate(risks, 1)
    ]
    frame = rows(records, KEYS)
    score = {1: 20.0, 2: 10.0, 3: 4.0, None: None}
    levels = {FIRST_ROW + i: (level, score[level]) for i, (level, _) in enumerate(risks)}
    plans, problems = read_plans(frame, levels, m)
    report = check_treatment(plans, as_of, m)
    report.problems[:0] = problems
    return report


def kinds(report) -> list[tuple[str, str]]:
    return [(f.subject, f.kind) for f in report.findings]


def test_a_complete_plan_and_sign_off_give_no_finding() -> None:
    report = check((1, {**FULL, **SIGNED}), (2, FULL), (3, {}))
    assert report.findings == [] and report.problems == []


def test_missing_parts_are_one_finding_naming_each_cell() -> None:
    report = check((2, {"response": "降低", "owner": "李处长"}))
    (finding,) = report.findings
    assert (finding.kind, finding.severity, finding.row) == ("plan_incomplete", "medium", FIRST_ROW)
    assert finding.fields == ("controls", "treatment_deadline", "treatment_status")
    assert "控制措施、完成期限、应对状态" in finding.message and "二级" in finding.message


def test_level_three_risks_need_no_plan() -> None:
    assert check((3, {})).findings == []


def test_an_accepted_risk_needs_only_a_response_an_owner_and_the_sign_off() -> None:
    report = check((2, {"response": "承受", "owner": "李处长"}))
    assert kinds(report) == [("R1", "signoff_missing")]
    assert report.findings[0].fields == ("decision", "sign_off_date", "minutes_ref", "next_review")
    # every accepted risk is signed off, whatever its level
    assert kinds(check((3, {"response": "风险承受"}))) == [("R1", "signoff_missing")]
    assert check((3, {"response": "accept", **SIGNED})).findings == []


def test_level_one_risks_need_the_committee() -> None:
    report = check((1, {**FULL, "decision": "同意", "sign_off_date": "2026-03-15"}))
    (finding,) = report.findings
    assert (finding.kind, finding.severity) == ("signoff_missing", "high")
    assert finding.fields == ("minutes_ref", "next_review")


def test_a_treatment_due_on_the_as_of_date_is_not_overdue_yet() -> None:
    assert check((2, {**FULL, "treatment_deadline": "2026-06-30"})).findings == []
    report = check((2, {**FULL, "treatment_deadline": "2026-06-29"}))
    (finding,) = report.findings
    assert (finding.kind, finding.due, finding.days_over) == ("treatment_overdue", D(2026, 6, 29), 1)


def test_a_done_treatment_is_never_overdue_and_a_blank_status_is_not_done() -> None:
    assert check((2, {**FULL, "treatment_deadline": "2026-01-01", "treatment_status": "已完成"})).findings == []
    report = check((3, {"treatment_deadline": "2026-01-01"}))
    assert kinds(report) == [("R1", "treatment_overdue")] and report.findings[0].severity == "low"


def test_refused_sign_offs_and_late_reviews_are_findings() -> None:
    report = check(
        (1, {**FULL, **SIGNED, "decision": "不同意"}),
        (1, {**FULL, **SIGNED, "next_review": "2026-06-29"}),
        (1, {**FULL, **SIGNED, "next_review": "2026-06-30"}),
    )
    assert kinds(report) == [("R1", "signoff_rejected"), ("R2", "review_overdue")]


def test_wrong_wordings_and_dates_are_problems_at_their_cells() -> None:
    report = check((2, {**FULL, "response": "躲开", "treatment_status": "快好了", "treatment_deadline": "下月"}))
    assert sorted((p.code, p.field) for p in report.problems) == [
        ("oversight_choice_invalid", "treatment_status"),
        ("oversight_date_invalid", "treatment_deadline"),
        ("treatment_response_invalid", "response"),
    ]
    assert report.findings == []  # written, but wrongly: reported as such, not as missing


def test_residual_levels_are_graded_with_the_units_matrix() -> None:
    report = check((1, {**FULL, **SIGNED, "residual_likelihood": 2, "residual_impact": "较高"}))
    plan = report.plans[0]
    assert (plan.residual_score, plan.residual_level) == (8.0, 2)
    strict = default_methodology().override(
        {"matrix": {"levels": [[3, 3, 3, 2, 2], [3, 3, 2, 1, 1], [3, 2, 2, 1, 1], [2, 2, 1, 1, 1], [2, 1, 1, 1, 1]]}}
    )
    report = check((1, {**FULL, **SIGNED, "residual_likelihood": 2, "residual_impact": 4}), methodology=strict)
    assert report.plans[0].residual_level == 1


def test_a_residual_above_the_inherent_score_or_half_given_is_reported() -> None:
    report = check(
        (3, {"residual_likelihood": 5, "residual_impact": 5}),
        (3, {"residual_likelihood": 2}),
        (3, {"residual_impact": "很高很高"}),
    )
    assert sorted((p.code, p.row) for p in report.problems) == [
        ("impact_invalid", FIRST_ROW + 2),
        ("treatment_residual_above", FIRST_ROW),
        ("treatment_residual_incomplete", FIRST_ROW + 1),
        ("treatment_residual_incomplete", FIRST_ROW + 2),
    ]


def test_a_sign_off_dated_after_the_as_of_date_is_reported() -> None:
    report = check((1, {**FULL, **SIGNED, "sign_off_date": "2026-07-01"}))
    assert [p.code for p in report.problems] == ["treatment_signed_later"]


def test_wordings_answer_to_their_names_aliases_and_codes() -> None:
    assert wording("treatment_status", " 进行中 ").code == "in_progress"
    assert wording("decision", "Approved with conditions").code == "conditional"
    assert wording("decision", "rejected").code == "rejected" and wording("decision", "嗯") is None


scores = st.integers(min_value=1, max_value=5)


@given(scores, scores)
def test_residual_level_equals_the_cores_grading(lk, im) -> None:
    report = check((3, {"residual_likelihood": lk, "residual_impact": im}))
    assert report.plans[0].residual_level == scoring.risk_level(lk, im)
