"""Next period's workbooks prefilled from a recorded period, read back with icx's own readers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.io.grid import load_grid
from icx.io.history_store import open_store
from icx.io.unit_workbook import read_unit_workbook
from tests.history.test_store import sample


@pytest.fixture
def prefilled(tmp_path: Path) -> Path:
    db = str(tmp_path / "h.db")
    with open_store(db) as store:
        store.record(sample())
    out = tmp_path / "2027"
    result = CliRunner().invoke(build_app(), ["templates", "prefill", "--db", db, "--period", "2027", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_one_standard_workbook_per_unit(prefilled: Path) -> None:
    assert sorted(p.name for p in prefilled.iterdir()) == ["FB001-区财政局机关-2027.xlsx", "FB002-国库中心-2027.xlsx"]


def test_register_controls_and_duties_carried(prefilled: Path) -> None:
    book = load_grid(prefilled / "FB001-区财政局机关-2027.xlsx")
    unit = read_unit_workbook(book)
    assert unit.unit["unit_code"] == "FB001" and unit.unit["period"] == "2027"
    rows = unit.register.table.rows
    assert [str(v) for v in rows.column("id")] == ["R1"]
    assert rows.column("prev_score") == [15.96] and rows.column("prev_level") == ["一级"]
    assert rows.column("likelihood_1") == [None]  # this period's scores are for the assessors
    # Not scored yet: each risk waits for its assessors, nothing is invented.
    assert unit.register.scored["score"] == [None]
    [control] = unit.control_records
    assert (control["control_id"], control["review_post"], control["area"]) == ("C1", "财务科长", "budget")
    duties = book.sheet("不相容岗位")
    texts = {str(v) for row in duties.rows for v in row if v}
    assert {"出纳", "货币资金支付", "李四", "0107", "U01", "预算编制"} <= texts


def test_open_deficiency_carried_onto_its_checklist_item(prefilled: Path) -> None:
    from icx.io.table import read_table

    book = load_grid(prefilled / "FB001-区财政局机关-2027.xlsx")
    table = read_table(book.sheet("自我评价"), "evaluation")
    rows = [cells for _, cells in table.rows.items() if cells.get("item_id") == "E1"]
    assert len(rows) == 1  # not on the built-in checklist: a row of its own
    row = rows[0]
    assert (row["deficiency"], row["owner"], row["grade"], row["status"]) == (
        "未建立预算绩效目标",
        "王五",
        "一般缺陷",
        "未整改",
    )
    assert row["deadline"] == dt.date(2027, 3, 31)
    assert row["result"] is None  # this period's evaluation is the unit's to make
