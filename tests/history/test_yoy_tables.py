"""The 同比 tables drawn from a comparison: every figure comes from the comparison's parts."""

from __future__ import annotations

from icx.consolidate.yoy_tables import trend_line, yoy_tables
from icx.core.history import compare
from icx.core.methodology import default_methodology
from tests.history.test_compare import deficiency, period, risk


def comparison():
    before = period(
        "2025",
        2025,
        [("FB001", "机关", 80.0), ("FB002", "中心", 70.0)],
        [risk("FB001", "R1", 3), risk("FB001", "R2", 2), risk("FB002", "A1", 1)],
        [deficiency("FB001", "E1", "open"), deficiency("FB002", "E2", "open")],
    )
    now = period(
        "2026",
        2026,
        [("FB001", "机关", 84.0), ("FB002", "中心", 72.5)],
        [risk("FB001", "R1", 2), risk("FB001", "R3", 3, "全新的风险"), risk("FB002", "A1", 1)],
        [deficiency("FB001", "E1", "open")],
    )
    return compare(before, now)


def test_committee_tables_add_up() -> None:
    yoy = comparison()
    totals, by_unit, by_area, changes, repeated, rectification = yoy_tables(yoy, "zh", default_methodology())
    assert totals.rows == [["上期", 1, 1, 1, 3], ["本期", 1, 1, 1, 3], ["变化", 0, 0, 0, 0]]
    fb1 = by_unit.rows[0]
    assert fb1[:8] == ["FB001", "机关", 0, 0, 1, 1, 1, 1]
    assert fb1[8:10] == [80.0, 84.0]
    assert fb1[10:14] == [1, 1, 0, 1]  # escalated, new, de-escalated, closed
    assert fb1[14:] == [1, 0.0]  # E1 repeated; 0 of 1 rectified
    assert sum(row[-1] for row in by_area.rows) == 3
    assert [row[1] for row in changes.rows] == ["升级", "新增", "关闭"]
    assert [row[1] for row in repeated.rows] == ["E1"]
    assert {(row[0], row[-1]) for row in rectification.rows} == {("FB001", "未整改"), ("FB002", "已整改")}
    line = trend_line(yoy, "zh")
    assert "新增 1、关闭 1、升级 1、降级 0" in line and "50.0% (1/2)" in line


def test_one_units_tables_hold_only_its_rows() -> None:
    tables = yoy_tables(comparison(), "en", default_methodology(), unit_code="fb002")
    totals, changes, repeated, rectification = tables
    assert totals.rows[1] == ["Now", 1, 0, 0, 1]
    assert changes.rows == [] and repeated.rows == []
    assert [row[-1] for row in rectification.rows] == ["rectified"]
