"""The one-page briefing (概览) of the demo's committee workbook: exactly one page as LibreOffice
prints it, and every figure on it equal to what this test computes on its own from the demo's
unit files (their records as the core reads them; nothing of ``icx.consolidate.briefing``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from icx.consolidate import consolidate
from icx.consolidate.model import Consolidation
from icx.consolidate.records import UnitResult
from tests.print.pdf_pages import Page

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def inputs(demo: Path) -> Consolidation:
    """The demo's unit files read again (the records only are used below)."""
    return consolidate([demo / "units"])


@pytest.fixture(scope="module")
def grid(demo: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(demo / "committee.xlsx", read_only=True, data_only=True)
    rows = [list(r) for r in book["概览"].iter_rows(values_only=True)]
    book.close()
    return rows


def find(grid: list[list[Any]], text: str, col: int | None = None) -> tuple[int, int]:
    """Row and column of the first cell starting with ``text``."""
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith(text) and (col is None or c == col):
                return r, c
    raise AssertionError(f"{text!r} not on 概览")


def block(grid: list[list[Any]], header_row: int, col: int, width: int, stop: str | None = None) -> list[list[Any]]:
    """The rows under ``header_row`` in columns ``col``…``col+width-1`` down to the first empty
    first cell (or the row whose first cell starts with ``stop``)."""
    out = []
    for row in grid[header_row + 1 :]:
        cells = (row + [None] * (col + width))[col : col + width]
        if cells[0] in (None, "") or (stop and str(cells[0]).startswith(stop)):
            break
        out.append(cells)
    return out


def readable(c: Consolidation) -> list[UnitResult]:
    return [u for u in c.units if u.readable]


def area_name(c: Consolidation, code: str) -> str:
    found = [a for a in c.methodology.areas if a.code == code]
    return (found[0].short_zh or found[0].name_zh) if found else code


def rate(done: int, total: int) -> float | None:
    return round(100 * done / total, 1) if total else None


def test_briefing_is_exactly_one_page(pdfs: dict[str, list[Page]]) -> None:
    own = [p for p in pdfs["committee"] if p.title.endswith("— 概览")]
    assert len(own) == 1
    text = own[0].text.replace(" ", "")
    for part in (
        "主要指标",
        "各业务领域风险",
        "需关注的单位",
        "整改进度",
        "风险最高的十项",
        "未计入汇总的文件",
        "未报送的单位",
    ):
        assert part in text, part
    assert pdfs["committee"][0] is own[0]  # the pack opens with it


def test_key_figures(grid: list[list[Any]], inputs: Consolidation) -> None:
    units = readable(inputs)
    shown = {row[0]: row[1] for row in grid if isinstance(row[0], str) and len(row) > 1}
    levels = Counter(r.level for u in units for r in u.risks)
    open_rows = [d for u in units for d in u.deficiencies if d.status != "done"]
    scores = [u.evaluation_score for u in units if u.evaluation_score is not None]
    assert shown["已报单位数"] == len(units) == 6
    assert shown["风险总数"] == sum(len(u.risks) for u in units)
    assert [shown["一级风险数"], shown["二级风险数"], shown["三级风险数"]] == [levels[1], levels[2], levels[3]]
    assert shown["不相容岗位冲突数"] == sum(len(u.conflicts) for u in units)
    assert shown["未完成整改缺陷数"] == len(open_rows)
    assert shown["逾期未整改缺陷数"] == sum(1 for d in open_rows if d.overdue)
    assert shown["平均自评得分(%)"] == pytest.approx(sum(scores) / len(scores), abs=0.01)


def test_top_ten(grid: list[list[Any]], inputs: Consolidation) -> None:
    title, _ = find(grid, "风险最高的十项", col=0)
    rows = block(grid, title + 1, 0, 17)
    assert len(rows) == 10
    everything = [(u, r) for u in readable(inputs) for r in u.risks]
    highest = sorted((r.score for _, r in everything), reverse=True)[:10]
    assert [row[11] for row in rows] == pytest.approx(highest, abs=0.005)
    used: set[int] = set()
    for row in rows:  # each row one real risk (ties in any order), each shown once
        unit, description, area, level, score, owner = row[0], row[1], row[8], row[10], row[11], row[13]
        match = [
            i
            for i, (u, r) in enumerate(everything)
            if i not in used
            and u.unit_name == unit
            and (r.description == description or r.description.startswith(description.rstrip("…")))
            and area_name(inputs, r.area) == area
            and inputs.methodology.level_name(r.level, "zh") == level
            and abs(r.score - score) < 0.005
            and (r.owner or None) == owner
        ]
        assert match, row
        used.add(match[0])


def test_areas_by_level_and_rectification(grid: list[list[Any]], inputs: Consolidation) -> None:
    r, c = find(grid, "各业务领域风险")
    rows = block(grid, r + 1, c, 8, stop="合计")
    units = readable(inputs)
    expected: dict[str, list[Any]] = {}
    codes = {risk.area for u in units for risk in u.risks} | {d.area for u in units for d in u.deficiencies}
    for code in codes:
        levels = Counter(risk.level for u in units for risk in u.risks if risk.area == code)
        found = [d for u in units for d in u.deficiencies if d.area == code]
        done = sum(1 for d in found if d.status == "done")
        expected[area_name(inputs, code)] = [levels[1], levels[2], levels[3], sum(levels.values()), done, len(found)]
    assert {row[0]: row[1:7] for row in rows} == expected
    assert [row[7] for row in rows] == [rate(row[5], row[6]) for row in rows]
    order = [a.code for a in inputs.methodology.areas]
    assert [row[0] for row in rows] == [area_name(inputs, a) for a in order if area_name(inputs, a) in expected]
    total = grid[r + 2 + len(rows)][c : c + 8]
    every = [d for u in units for d in u.deficiencies]
    done = sum(1 for d in every if d.status == "done")
    assert total[0] == "合计"
    assert total[1:7] == [sum(row[i] for row in rows) for i in range(1, 5)] + [done, len(every)]
    assert total[4] == sum(len(u.risks) for u in units)
    assert total[7] == rate(done, len(every))
    progress, _ = find(grid, "整改进度")
    assert f"{done}/{len(every)}" in grid[progress][c + 9]


def test_units_needing_attention_in_the_stated_order(grid: list[list[Any]], inputs: Consolidation) -> None:
    r, c = find(grid, "需关注的单位")
    rows = block(grid, r + 1, c, 5, stop="排序规则")
    found = []
    for u in readable(inputs):
        level1 = sum(1 for risk in u.risks if risk.level == 1)
        overdue = sum(1 for d in u.deficiencies if d.status != "done" and d.overdue)
        if level1 or overdue or u.conflicts:
            found.append((u.unit_name, level1, overdue, len(u.conflicts), u.evaluation_score, u.unit_code))
    found.sort(key=lambda a: (-a[1], -a[2], -a[3], a[4] if a[4] is not None else 1e9, a[5]))
    assert [tuple(row[:4]) for row in rows] == [a[:4] for a in found[:8]]
    assert [row[4] for row in rows] == pytest.approx([a[4] for a in found[:8]], abs=0.05)
    rule = grid[r + 2 + len(rows)][c]
    assert rule.startswith("排序规则") and f"共{len(found)}个单位" in rule


def test_rectification_by_unit(grid: list[list[Any]], inputs: Consolidation) -> None:
    r, c = find(grid, "单位（完成率最低者在前）")
    rows = block(grid, r, c, 4)
    expected = []
    for u in readable(inputs):
        if u.deficiencies:
            done = sum(1 for d in u.deficiencies if d.status == "done")
            expected.append((rate(done, len(u.deficiencies)), u.unit_code, u.unit_name, done, len(u.deficiencies)))
    expected.sort()
    assert [tuple(row) for row in rows] == [(name, d, t, rt) for rt, _, name, d, t in expected[:8]]


def test_lines_for_what_was_not_counted(grid: list[list[Any]], inputs: Consolidation) -> None:
    bad = [u for u in inputs.units if not u.readable]
    r, _ = find(grid, "未计入汇总的文件", col=0)
    if bad:
        assert grid[r][0].startswith(f"未计入汇总的文件：{len(bad)} 个") and "问题清单" in grid[r][0]
    else:  # the demo's files are all read
        assert grid[r][0] == f"未计入汇总的文件：无（{len(inputs.units)} 个文件均已计入）"
    assert grid[r + 1][0].startswith("未报送的单位：未提供单位名单")  # the demo has no roster
