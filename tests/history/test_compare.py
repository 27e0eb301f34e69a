"""Year over year: how two periods' records are matched and counted (icx.core.history)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core.history import (
    DeficiencyRecord,
    PeriodRecord,
    RiskRecord,
    UnitRecord,
    compare,
    description_similarity,
)


def risk(unit: str, rid: str, level: int, description: str = "", area: str = "budget") -> RiskRecord:
    score = {1: 20.0, 2: 12.0, 3: 4.0}[level]
    return RiskRecord(unit, rid, area, description or f"风险{rid}", 4.0, score / 4, score, level)


def period(label: str, year: int, units, risks=(), deficiencies=()) -> PeriodRecord:
    return PeriodRecord(
        label,
        dt.date(year, 12, 31),
        dt.datetime(year + 1, 1, 5, 9, 0),
        units=[UnitRecord(code, name, f"{code}.xlsx", "0" * 64, score) for code, name, score in units],
        risks=list(risks),
        deficiencies=list(deficiencies),
    )


def test_new_closed_escalated_and_renumbered_risks() -> None:
    before = period(
        "2025",
        2025,
        [("FB001", "机关", 80.0), ("FB002", "中心", 70.0), ("FB009", "已撤并单位", 60.0)],
        [
            risk("FB001", "R1", 3, "预算编制不科学，项目支出预算与实际需求脱节"),
            risk("FB001", "R2", 2, "采购需求不明确"),
            risk("FB001", "R3", 2, "合同履行监督缺失"),
            risk("FB001", "R4", 1, "资产账实不符"),
            risk("FB002", "A1", 2, "收入未及时入账"),
            risk("FB009", "X1", 1, "撤并单位的风险"),
        ],
    )
    now = period(
        "2026",
        2026,
        [("ＦＢ００１", "机关", 85.5), ("FB002", "中心", None), ("FB010", "新单位", 90.0)],
        [
            risk("ＦＢ００１", "r1", 2, "预算编制不科学"),  # same id (case, width): escalated 3 → 2
            risk("ＦＢ００１", "R9", 2, "预算编制不科学，项目支出预算与实际需求严重脱节"),  # new id, new text
            risk("ＦＢ００１", "R5", 3, "合同履行监督缺失！"),  # R3 renumbered: matched by description
            risk("ＦＢ００１", "R4", 2, "资产账实不符"),  # de-escalated 1 → 2
            risk("FB002", "A1", 2, "收入未及时入账"),
            risk("FB010", "N1", 1, "新单位的风险"),
        ],
    )
    yoy = compare(before, now)
    kinds = {(c.kind, (c.before.risk_id if c.before else None), (c.now.risk_id if c.now else None)) for c in yoy.risks}
    assert ("escalated", "R1", "r1") in kinds
    assert ("deescalated", "R4", "R4") in kinds
    assert ("deescalated", "R3", "R5") in kinds  # 2 → 3 after renumbering
    assert ("closed", "R2", None) in kinds
    assert ("unchanged", "A1", "A1") in kinds
    # R9's description is close to R1's, but R1 was matched by its id first, so R9 is new.
    assert ("new", None, "R9") in kinds
    renumbered = next(c for c in yoy.risks if c.before and c.before.risk_id == "R3")
    assert renumbered.matched_by == "description" and renumbered.similarity >= 0.6
    # Units in one period only are listed apart and never counted as new or closed risks.
    assert [u.code for u in yoy.units_gone] == ["FB009"] and [u.code for u in yoy.units_new] == ["FB010"]
    assert all(c.unit_code != "FB010" and (c.before is None or c.before.unit_code != "FB009") for c in yoy.risks)
    assert yoy.total.before == (1, 3, 1) and yoy.total.now == (0, 4, 1)
    fb1 = next(u for u in yoy.by_unit if u.key == "ＦＢ００１")
    assert fb1.before == (1, 2, 1) and fb1.now == (0, 3, 1) and fb1.change == (-1, 1, 0)
    scores = {s.unit_code: s for s in yoy.scores}
    assert scores["ＦＢ００１"].change == 5.5 and scores["FB002"].change is None


def deficiency(unit: str, item: str, status: str) -> DeficiencyRecord:
    return DeficiencyRecord(unit, item, "budget", f"{item}的缺陷", "general", status, dt.date(2026, 6, 30))


def test_repeated_deficiencies_and_rectification() -> None:
    before = period(
        "2025",
        2025,
        [("FB001", "机关", 80.0), ("FB009", "撤并", 70.0)],
        deficiencies=[
            deficiency("FB001", "E1", "open"),  # still open this year: repeated, not rectified
            deficiency("FB001", "E2", "in_progress"),  # no deficiency this year: rectified
            deficiency("FB001", "E3", "open"),  # shown as 已整改 this year: repeated, rectified
            deficiency("FB001", "E4", "done"),  # closed last year: not in the rate
            deficiency("FB009", "E1", "open"),  # unit did not report: unknown
        ],
    )
    now = period(
        "2026",
        2026,
        [("FB001", "机关", 82.0)],
        deficiencies=[
            deficiency("fb001", "e1", "open"),
            deficiency("FB001", "E3", "done"),
            deficiency("FB001", "E7", "open"),
        ],
    )
    yoy = compare(before, now)
    assert sorted(r.item_id for r in yoy.repeated) == ["E1", "E3"]
    outcomes = {(r.unit_code, r.deficiency.item_id): r.outcome for r in yoy.rectifications}
    assert outcomes == {
        ("FB001", "E1"): "open",
        ("FB001", "E2"): "rectified",
        ("FB001", "E3"): "rectified",
        ("FB009", "E1"): "unknown",
    }
    assert yoy.completion() == (2, 3, 66.7)
    assert yoy.completion("fb001") == (2, 3, 66.7)
    assert yoy.completion("FB009") == (0, 0, None)


def test_description_similarity() -> None:
    assert description_similarity("合同履行监督缺失", "合同履行监督缺失！") == 1.0
    assert description_similarity("合同履行监督缺失", "资产账实不符") == 0.0
    assert description_similarity("", "x") == 0.0
    assert 0.6 <= description_similarity("预算编制不科学", "预算编制不够科学") < 1.0


levels = st.integers(1, 3)
ids = st.sampled_from([f"R{i}" for i in range(1, 9)])
words = st.sampled_from(["预算", "采购", "合同", "资产", "收入", "支出", "建设", "监督"])
risk_lists = st.lists(st.tuples(ids, levels, st.lists(words, min_size=1, max_size=4).map("".join)), max_size=10)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["FB001", "FB002", "FB003"]), st.tuples(risk_lists, risk_lists), max_size=3))
def test_every_risk_is_accounted_for_once(data) -> None:
    """Before = unchanged + escalated + de-escalated + closed and now = the same + new, per unit."""
    before = period("2025", 2025, [(u, u, None) for u in data])
    now = period("2026", 2026, [(u, u, None) for u in data])
    for unit, (old, new) in data.items():
        before.risks += [risk(unit, rid, lv, text) for rid, lv, text in old]
        now.risks += [risk(unit, rid, lv, text) for rid, lv, text in new]
    yoy = compare(before, now)
    for unit, (old, new) in data.items():
        kinds = [c.kind for c in yoy.risks if c.unit_code == unit]
        matched = sum(k in ("unchanged", "escalated", "deescalated") for k in kinds)
        assert len(old) == matched + kinds.count("closed")
        assert len(new) == matched + kinds.count("new")
    assert sum(yoy.total.before) == len(before.risks) and sum(yoy.total.now) == len(now.risks)
    assert sum(sum(a.now) for a in yoy.by_area) == len(now.risks)
