"""Two periods of demo units consolidated with --db: the 同比 sheet's figures equal those computed
independently here from the units' own data, the store holds exactly the counted units, and each
unit's feedback has its own 同比 part. Runs against SQLite and a real PostgreSQL server."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.core import scoring
from icx.demo.data import make_units
from icx.demo.previous import previous_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.history_store import open_store

UNITS = 3


def _level(risk) -> int:
    lk = scoring.average([scoring.likelihood(v) for v in risk.likelihood if v not in (None, "")])
    im = scoring.average([scoring.impact(v) for v in risk.impact if v not in (None, "")])
    return scoring.risk_level(lk, im)


@pytest.fixture
def periods(tmp_path: Path, store_url: str):
    now = make_units(UNITS)
    before = [previous_unit(u, "2025") for u in now]
    for year, units in (("2025", before), ("2026", now)):
        for u in units:
            write_unit_workbook(u, tmp_path / year / f"{u.code}.xlsx")
    runner = CliRunner()
    for year in ("2025", "2026"):
        args = [
            "consolidate",
            str(tmp_path / year),
            "-o",
            str(tmp_path / f"c{year}.xlsx"),
            "--period",
            year,
            "--as-of",
            f"{year}-12-31",
            "--db",
            store_url,
            "-f",
            str(tmp_path / f"fb{year}"),
            "-j",
            "1",
        ]
        result = runner.invoke(build_app(), args)
        assert result.exit_code in (0, 1), result.output
    return before, now, tmp_path


def _expected(before, now):
    """Level counts and change kinds worked out here: a risk is the same when its id is, or,
    across ids, when its description is word for word the same (the demo renumbers that way)."""
    out = {}
    for b, n in zip(before, now):
        old = {r.id: r for r in b.risks}
        new = {r.id: r for r in n.risks}
        kinds = Counter()
        unmatched_old = {i: r for i, r in old.items() if i not in new}
        for i, r in new.items():
            o = old.get(i) or next((x for x in unmatched_old.values() if x.description == r.description), None)
            if o is None:
                kinds["new"] += 1
                continue
            unmatched_old.pop(o.id, None)
            lo, ln = _level(o), _level(r)
            kinds["escalated" if ln < lo else "deescalated" if ln > lo else "unchanged"] += 1
        kinds["closed"] = len(unmatched_old)
        levels_old = Counter(_level(r) for r in b.risks)
        levels_new = Counter(_level(r) for r in n.risks)
        out[n.code] = (kinds, levels_old, levels_new)
    return out


def test_the_yoy_sheet_equals_an_independent_count(periods) -> None:
    before, now, folder = periods
    expected = _expected(before, now)
    ws = openpyxl.load_workbook(folder / "c2026.xlsx")["同比"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "单位编码" and r[2] and "上期" in str(r[2]))
    heads = rows[header]
    for row in rows[header + 1 : header + 1 + UNITS]:
        kinds, old, new = expected[row[0]]
        assert row[2:8] == [old[1], new[1], old[2], new[2], old[3], new[3]], row[0]
        got = dict(zip(heads, row))
        for kind, title in (("escalated", "升级"), ("new", "新增"), ("deescalated", "降级"), ("closed", "关闭")):
            assert got[title] == kinds[kind], (row[0], kind)
        assert got["屡查屡犯数"] == 1  # the demo repeats one finding per unit
    totals = next(i for i, r in enumerate(rows) if r[0] == "上期")
    assert rows[totals][1:5] == [sum(e[1][lv] for e in expected.values()) for lv in (1, 2, 3)] + [
        sum(len(b.risks) for b in before)
    ]


def test_the_store_holds_both_periods_and_feedback_has_its_part(periods, store_url: str) -> None:
    before, now, folder = periods
    with open_store(store_url) as store:
        assert [p.period for p in store.periods()] == ["2025", "2026"]
        record = store.load("2026")
    assert sorted(u.code for u in record.units) == sorted(u.code for u in now)
    assert len(record.risks) == sum(len(u.risks) for u in now)
    assert record.controls and record.duties and record.assignments and record.items
    for path in (folder / "fb2026").iterdir():
        wb = openpyxl.load_workbook(path)
        assert "同比" in wb.sheetnames
    assert all("同比" not in openpyxl.load_workbook(p).sheetnames for p in (folder / "fb2025").iterdir())
