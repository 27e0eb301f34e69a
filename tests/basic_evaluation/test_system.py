"""The indicator system file: what was confirmed holds, the sums add up, a broken copy is refused."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from icx.bundled import read_toml
from icx.core.basic_evaluation.system import default_system, load_system, system_from_mapping
from icx.core.errors import IcxError
from icx.core.evaluation import default_checklist

CONFIRMED_INDICATORS = {
    1: ("内部控制建设启动情况", 14),
    2: ("单位主要负责人承担内部控制建立与实施责任情况", 6),
    3: ("对权力运行的制约情况", 8),
    4: ("内部控制制度完备情况", 16),
    5: ("不相容岗位与职责分离控制情况", 6),
    6: ("内部控制管理信息系统功能覆盖情况", 10),
    7: ("预算业务管理控制情况", 7),
    8: ("收支业务管理控制情况", 6),
    9: ("政府采购业务管理控制情况", 7),
    10: ("资产管理控制情况", 6),
    11: ("建设项目管理控制情况", 8),
    12: ("合同管理控制情况", 6),
}


def test_the_twelve_indicators_as_the_notice_gives_them() -> None:
    s = default_system()
    assert {i.no: (i.zh, i.points) for i in s.indicators} == CONFIRMED_INDICATORS
    assert all(i.confirmed for i in s.indicators)
    assert [(lv.code, lv.points, lv.items) for lv in s.levels] == [("unit", 60, 21), ("business", 40, 15)]
    assert sum(c.points for c in s.criteria) == s.total == 100


def test_points_add_up_at_every_level() -> None:
    s = default_system()
    for item in s.items:
        assert sum(c.points for c in s.criteria if c.item == item.id) == item.points, item.id
    for ind in s.indicators:
        assert sum(i.points for i in s.items if i.indicator == ind.no) == ind.points, ind.no


def test_what_is_confirmed_and_what_is_not() -> None:
    s = default_system()
    confirmed_items = {i.id for i in s.items if i.confirmed}
    assert confirmed_items == {i.id for i in s.items if i.indicator <= 4}
    assert {c.id for c in s.criteria if c.confirmed} == {"1.1.1", "1.1.2", "1.1.3", "1.1.4"}
    assert not s.conversion.confirmed
    banded = {c.id: c for c in s.criteria if c.band is not None}
    assert set(banded) == {"7.2.1", "11.3.1"} and not any(c.confirmed for c in banded.values())
    for entry in (*s.indicators, *s.items, *s.criteria):
        assert entry.sources and all(k in s.sources for k in entry.sources)
    assert all(src.url.startswith("http") for key, src in s.sources.items() if key.endswith("_2016"))


def test_derivations_name_real_checklist_items_and_areas() -> None:
    s = default_system()
    checklist = {item.id for item in default_checklist()}
    areas = {"unit", "budget", "revenue_expenditure", "procurement", "assets", "construction", "contracts"}
    for c in s.criteria:
        if c.derive is None:
            continue
        assert set(c.derive.items) <= checklist, c.id
        assert set(c.derive.areas) <= areas, c.id
        assert c.derive.area in areas | {""}, c.id


def _broken(change) -> dict:
    data = copy.deepcopy(read_toml("basic_evaluation.toml"))
    change(data)
    return data


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda d: d["criterion"][0].update(points=2), "item 1.1: its parts add up to 5"),
        (lambda d: d["indicator"][0].update(points=15), "indicator 1: its parts add up to 14"),
        (lambda d: d["level"][0].update(items=20), "declares 20 sub-items but has 21"),
        (lambda d: d["criterion"][1].update(id="1.1.1"), "criterion 1.1.1 is listed twice"),
        (lambda d: d["criterion"][0].update(id="1.9.1"), "criterion 1.9.1: its id must be"),
        (lambda d: d["criterion"][0].update(sources=["nowhere"]), "unknown source 'nowhere'"),
        (lambda d: next(c for c in d["criterion"] if c["id"] == "7.2.1")["band"].update(edges=[0.1, 0.05]), "rise"),
        (lambda d: next(c for c in d["criterion"] if c["id"] == "7.2.1")["band"].update(points=[4, 2]), "one more"),
        (lambda d: next(c for c in d["criterion"] if c["id"] == "7.2.1")["band"].update(points=[5, 2, 0]), "best"),
        (lambda d: d["criterion"][0].update(derive={"from": "evaluation"}), "needs 'items'"),
        (lambda d: d["criterion"][0].update(derive={"from": "guesswork"}), "from"),
        (lambda d: d["answers"].update(no=["否", "是"]), "means both"),
    ],
)
def test_a_broken_file_is_refused_saying_what_is_wrong(change, says: str) -> None:
    with pytest.raises(IcxError) as raised:
        system_from_mapping(_broken(change), "mine.toml")
    problem = raised.value.problem
    assert problem.code == "basic_evaluation_system_invalid" and problem.file == "mine.toml"
    assert says in problem.message_en, problem.message_en


def test_a_control_office_corrects_the_bands_in_its_own_copy(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "icx/data/basic_evaluation.toml").read_text(encoding="utf-8")
    fixed = text.replace("edges = [0.05, 0.10], points = [4, 2, 0]", "edges = [0.03, 0.06, 0.1], points = [4, 3, 1, 0]")
    assert fixed != text
    mine = tmp_path / "basic_evaluation.toml"
    mine.write_text(fixed, encoding="utf-8")
    s = load_system(mine)
    assert s.by_id["7.2.1"].band.points == (4, 3, 1, 0)
    assert tomllib.loads(fixed)["name"] == s.name
    bad = tmp_path / "bad.toml"
    bad.write_text("name = ", encoding="utf-8")
    with pytest.raises(IcxError):
        load_system(bad)
