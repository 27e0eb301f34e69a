"""Derived answers from a workbook's facts, and the department's averages over its units."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core.basic_evaluation.aggregate import UnitSummary, department
from icx.core.basic_evaluation.derive import (
    AreaControls,
    ConflictFacts,
    DutyFacts,
    EvaluationFact,
    RegisterFacts,
    WorkbookFacts,
    derive,
)
from icx.core.basic_evaluation.scoring import Response, score
from icx.core.basic_evaluation.system import default_system

S = default_system()
AREAS = ("unit", "budget", "revenue_expenditure", "procurement", "assets", "construction", "contracts")


def facts(**changes) -> WorkbookFacts:
    base = WorkbookFacts(
        register=RegisterFacts("风险清单", 30, dict.fromkeys(AREAS, 4), "风险清单!B5:B34"),
        controls={a: AreaControls(f"风险控制矩阵-{a}", 3, 3, (), f"风险控制矩阵-{a}!R5:R7") for a in AREAS},
        duties=DutyFacts("不相容岗位", 12, "不相容岗位!I5:I16", 60),
        conflicts={k: ConflictFacts(True, 0) for k in ("person", "post", "control", "transaction")},
        evaluation={item: EvaluationFact("full", f"自我评价!H{n}") for n, item in enumerate(_checklist_ids(), 5)},
        area_names={a: (a.upper(), a) for a in AREAS},
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def _checklist_ids() -> list[str]:
    return sorted({i for c in S.criteria if c.derive for i in c.derive.items})


def test_a_clean_workbook_derives_yes_wherever_it_can() -> None:
    got = derive(S, facts())
    assert set(got) == {c.id for c in S.criteria if c.derive is not None}
    assert {d.answer for d in got.values()} == {"yes"}
    assert "自我评价!H" in got["1.1.1"].evidence_zh
    assert got["5.2.1"].evidence_zh == "冲突检查未发现“一人兼任不相容岗位”"


def test_conflicts_found_derive_no_with_their_cells() -> None:
    found = facts(
        conflicts={
            "person": ConflictFacts(True, 2, ("不相容岗位!M7", "不相容岗位!M9")),
            "post": ConflictFacts(True, 0),
            "control": ConflictFacts(False, 0),
            "transaction": ConflictFacts(False, 0),
        }
    )
    got = derive(S, found)
    assert got["5.2.1"].answer == "no" and "不相容岗位!M7；不相容岗位!M9" in got["5.2.1"].evidence_zh
    assert got["5.1.3"].answer == "yes"
    assert got["5.2.2"].answer is None and got["5.2.3"].answer is None  # nothing of that kind to check
    assert derive(S, facts(conflicts=None))["5.2.1"].answer is None


def test_register_and_control_matrix_coverage() -> None:
    areas = dict.fromkeys(AREAS, 4) | {"construction": 0}
    got = derive(S, facts(register=RegisterFacts("风险清单", 24, areas, "风险清单!B5:B28")))
    assert got["1.3.1"].answer == "yes" and got["1.3.2"].answer == "no"
    assert "CONSTRUCTION" in got["1.3.2"].evidence_zh
    assert derive(S, facts(register=RegisterFacts("风险清单", 0, {}, "")))["1.3.1"].answer == "no"
    assert derive(S, facts(register=None))["1.3.1"].answer is None
    controls = facts().controls | {
        "budget": AreaControls("风险控制矩阵-预算", 3, 1, ("C-YS-02", "C-YS-03"), "风险控制矩阵-预算!R5:R7"),
        "construction": AreaControls("风险控制矩阵-建设项目", 0, 0, (), ""),
        "contracts": AreaControls("风险控制矩阵-合同", 2, 0, ("C-HT-01", "C-HT-02"), "风险控制矩阵-合同!R5:R6"),
    }
    got = derive(S, facts(controls=controls))
    assert (
        got["4.1.1"].answer == "yes" and got["4.1.2"].answer == "no" and "C-YS-02；C-YS-03" in got["4.1.2"].evidence_zh
    )
    assert got["4.6.1"].answer is None and got["4.6.2"].answer is None
    assert got["4.7.1"].answer == "no" and got["1.4.1"].answer == "no"


def test_self_evaluation_results_derive_cautiously() -> None:
    results = facts().evaluation | {
        "DW-01": EvaluationFact("partial", "自我评价!H5"),
        "DW-10": EvaluationFact("none", "自我评价!H14"),
        "JS-01": EvaluationFact("na", "自我评价!H70"),
        "JS-04": EvaluationFact("na", "自我评价!H73"),
        "DW-13": EvaluationFact("na", "自我评价!H17"),
    }
    del results["HT-09"]
    got = derive(S, facts(evaluation=results))
    assert got["1.1.1"].answer is None and "基本符合" in got["1.1.1"].evidence_zh
    assert got["3.2.2"].answer == "no" and "自我评价!H14" in got["3.2.2"].evidence_zh
    assert got["11.1.1"].answer == "na"  # allowed there
    assert got["6.2.2"].answer is None  # 不适用 is not allowed for 6.2.2: the unit answers
    assert got["12.1.2"].answer is None and "HT-09" in got["12.1.2"].evidence_zh


def _summary(values: dict[str, object]) -> UnitSummary:
    return UnitSummary.of(score({k: Response(answer=v, document="d") for k, v in values.items()}))


def test_department_averages_by_hand() -> None:
    full = {c.id: (0 if c.banded else "是") for c in S.criteria}
    a = _summary(full)
    b = _summary(full | {"1.1.1": "否", "1.2.1": "否", "7.2.1": 0.07})  # indicator 1: 12, indicator 7: 5
    no_projects = {c.id: "不适用" for c in S.criteria if c.indicator == 11} | {"4.6.1": "不适用", "4.6.2": "否"}
    c = _summary(full | no_projects)  # indicator 4: 15 applicable, 1 lost → 14 / 15 × 16
    dept = department([a, b, c], S)
    by_no = {i.no: i for i in dept.indicators}
    assert by_no[1].average == round((14 + 12 + 14) / 3, 2) and by_no[1].units == 3
    assert by_no[7].average == round((7 + 5 + 7) / 3, 2)
    assert by_no[11].units == 2 and by_no[11].average == 8
    assert by_no[4].average == round((16 + 16 + 14 / 15 * 16) / 3, 2)
    exact = (14 + 12 + 14) / 3 + 6 + 8 + (16 + 16 + 14 / 15 * 16) / 3 + 6 + 10 + (7 + 5 + 7) / 3 + 6 + 7 + 6 + 8 + 6
    assert dept.composite == round(exact, 2)
    assert [(d.criterion, d.units, d.points) for d in dept.deductions] == [
        ("7.2.1", 1, 2.0),
        ("1.1.1", 1, 1.0),
        ("1.2.1", 1, 1.0),
        ("4.6.2", 1, 1.0),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from([c.id for c in S.criteria if not c.banded]), st.sampled_from(["是", "否", "不适用"])
        ),
        min_size=1,
        max_size=6,
    )
)
def test_averages_stay_within_each_indicator_and_deductions_reconcile(units: list[dict]) -> None:
    summaries = [_summary(u) for u in units]
    dept = department(summaries, S)
    for avg in dept.indicators:
        if avg.average is not None:
            assert 0 <= avg.average <= avg.points + 1e-9
    lost = sum(d.points for d in dept.deductions)
    assert abs(lost - sum(p for s in summaries for _, p in s.deductions)) < 1e-9
    assert sum(d.units for d in dept.deductions) == sum(len(s.deductions) for s in summaries)
