"""The demo units carry some conflicts (and the look-alikes that must not be flagged), read back
from workbooks laid out like the template."""

from __future__ import annotations

import pytest

from icx.demo.data import make_units
from icx.demo.people import NAMESAKE, fill_control_posts
from icx.io.duties import check_conflicts
from icx.io.grid import load_grid

from .checkbook import from_demo

UNITS = make_units(6)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("demo")
    for unit in UNITS:
        unit.controls = [{"control_id": f"C-{unit.code}-{n}", "area": "budget", "area_name": "预算"} for n in range(3)]
        fill_control_posts(unit.controls, unit.code)
        path = from_demo(folder / f"{unit.code}.xlsx", unit)
        out[unit.code] = check_conflicts(load_grid(path), file=str(path))
    return out


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.code)
def test_every_demo_unit_shows_conflicts_of_several_kinds_and_no_errors(checked, unit):
    result = checked[unit.code]
    assert result.report.errors == []
    kinds = result.report.counts_by("kind")
    assert kinds["person"] >= 1 and kinds["transaction"] >= 1 and kinds["control"] >= 1
    rules = {c.rule_id for c in result.conflicts}
    assert {"CG-03", "JL-01", "KZ-01"} <= rules  # 李娜 / 李　娜, the self-approved claim, a self-reviewed control


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.code)
def test_look_alikes_are_not_flagged(checked, unit):
    result = checked[unit.code]
    # two people called 张伟 (cashier and accountant) never clash with each other
    assert not any(c.kind in ("person", "transaction") and c.person == NAMESAKE for c in result.conflicts)
    # the former cashier moved to the books the day after leaving the cash desk
    former = next(p["person"] for p in unit.person_posts if p["post"] == "出纳" and p["date_to"])
    assert not any(c.kind == "person" and c.person == former for c in result.conflicts)


def test_demo_units_differ_and_are_reproducible():
    again = make_units(6)
    assert [u.person_posts for u in again] == [u.person_posts for u in make_units(6)]
    assert len({len(u.person_posts) for u in UNITS}) > 1 or len({str(u.transactions) for u in UNITS}) == len(UNITS)
