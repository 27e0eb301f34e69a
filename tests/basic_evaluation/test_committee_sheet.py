"""The committee workbook's 基础性评价 sheet: its figures equal those computed here independently
from each unit's scorecard (averages per indicator, composite, units' scores, common deductions)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from icx.consolidate import consolidate, write_summary
from icx.core.basic_evaluation.system import default_system
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.basic_evaluation_sheet import evaluate_book
from icx.io.grid import load_grid

S = default_system()
AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def committee(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("committee-be")
    units = folder / "units"
    units.mkdir()
    files = [write_unit_workbook(make_unit(i), units / f"u{i}.xlsx") for i in range(6)]
    # an older workbook without the sheet: listed, not averaged
    old = write_unit_workbook(make_unit(6), units / "u6-old.xlsx")
    wb = openpyxl.load_workbook(old)
    del wb["基础性评价"]
    wb.save(old)
    result = consolidate([units], as_of=AS_OF, jobs=1)
    out = write_summary(result, folder / "committee.xlsx")
    cards = {}
    for path in files:
        found = evaluate_book(load_grid(path), as_of=AS_OF, file=str(path))
        code = make_unit(int(path.stem[1:])).code
        cards[code] = found.scorecard
    return openpyxl.load_workbook(out)["基础性评价"], cards, make_unit(6).code


def _scaled(card, no: int) -> float | None:
    ind = S.indicators_by_no[no]
    crit = [c for c in card.criteria if c.criterion.indicator == no]
    score = sum(c.score or 0 for c in crit)
    na = sum(c.na_points for c in crit)
    return None if ind.points - na <= 0 else score / (ind.points - na) * ind.points


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_averages_and_composite_equal_an_independent_computation(committee) -> None:
    ws, cards, _ = committee
    rows = _rows(ws)
    by_label = {r[0]: r for r in rows if isinstance(r[0], str)}
    exact = {}
    for ind in S.indicators:
        values = [v for v in (_scaled(card, ind.no) for card in cards.values()) if v is not None]
        exact[ind.no] = sum(values) / len(values)
        row = by_label[ind.label("zh")]
        assert row[1] == ind.points
        assert row[2] == pytest.approx(round(exact[ind.no], 2), abs=1e-9), ind.no
        assert row[3] == len(values)
    composite = by_label["综合性评价得分（各指标平均分之和）"]
    assert composite[2] == pytest.approx(round(sum(exact.values()), 2), abs=1e-9)
    assert composite[3] == len(cards)
    assert 0 < composite[2] <= 100
    for lv in S.levels:
        expected = sum(round(exact[i.no], 2) for i in S.indicators if i.level == lv.code)
        assert by_label[lv.zh][2] == pytest.approx(expected, abs=1e-6)


def test_each_units_scores(committee) -> None:
    ws, cards, old = committee
    rows = _rows(ws)
    header_at = next(i for i, r in enumerate(rows) if r[0] == "单位编码")
    header = rows[header_at]
    units = {r[0]: r for r in rows[header_at + 1 :] if r[0]}
    assert set(units) == set(cards) | {old}
    assert "无基础性评价表" in units[old][header.index("说明")]
    for code, card in cards.items():
        row = units[code]
        assert row[header.index("总分")] == pytest.approx(card.score)
        assert row[header.index("不适用分值")] == pytest.approx(card.na_points)
        assert row[header.index("换算后得分")] == pytest.approx(card.converted)
        assert row[header.index("未作答")] == len(card.unanswered)
        for ind, sub in zip(S.indicators, card.indicators):
            cell = row[header.index(f"{ind.no}（{ind.points:g}）")]
            assert cell == ("不适用" if sub.na_points >= ind.points else pytest.approx(sub.score)), (code, ind.no)
    assert any(card.na_points for card in cards.values()) and any(card.unanswered for card in cards.values())


def test_the_most_common_deductions(committee) -> None:
    ws, cards, _ = committee
    rows = _rows(ws)
    units, points = Counter(), Counter()
    for card in cards.values():
        for c in card.deductions:
            units[c.id] += 1
            points[c.id] += c.deduction
    order = {c.id: i for i, c in enumerate(S.criteria)}
    expected = sorted(units, key=lambda c: (-units[c], -points[c], order[c]))[:15]
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("最常见的扣分"))
    assert f"共{len(units)}项" in rows[at][0]
    listed = rows[at + 2 : at + 2 + len(expected)]
    assert [r[0].split()[0] for r in listed] == expected
    assert [(r[2], r[3]) for r in listed] == [(units[c], points[c]) for c in expected]


def test_the_chart_is_there(committee, tmp_path: Path) -> None:
    ws, _, _ = committee
    assert len(ws._charts) == 1
