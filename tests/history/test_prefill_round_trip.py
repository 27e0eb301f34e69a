"""Prefill → fill in → consolidate the next period → 同比: every risk of the prefilled workbooks is
matched to itself by its id, the carried deficiencies come back as repeated findings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.core.history import compare
from icx.demo.data import make_units
from icx.demo.workbooks import write_unit_workbook
from icx.io.grid import load_grid
from icx.io.history_store import open_store
from icx.io.table import read_table


def _fill(path: Path) -> None:
    """What a unit does with its prefilled workbook: score every risk (3 × 4 = 12, 二级 by the
    default matrix), evaluate every checklist item (符合, 不符合 where a deficiency was carried)."""
    book = load_grid(path)
    wb = openpyxl.load_workbook(path)
    register = read_table(book.sheet("风险清单"), "register")
    ws = wb["风险清单"]
    for r, cells in register.rows.items():
        if cells.get("id"):
            ws[f"{get_column_letter(register.columns['likelihood_1'] + 1)}{r}"] = 3
            ws[f"{get_column_letter(register.columns['impact_1'] + 1)}{r}"] = 4
    checklist = read_table(book.sheet("自我评价"), "evaluation")
    ws = wb["自我评价"]
    column = get_column_letter(checklist.columns["result"] + 1)
    for r, cells in checklist.rows.items():
        if cells.get("item_id"):
            ws[f"{column}{r}"] = "不符合" if cells.get("deficiency") else "符合"
    wb.save(path)


def test_prefill_fill_in_consolidate(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    runner = CliRunner()
    for u in make_units(2):
        write_unit_workbook(u, tmp_path / "2026" / f"{u.code}.xlsx")
    args = ["consolidate", str(tmp_path / "2026"), "-o", str(tmp_path / "c26.xlsx"), "--period", "2026", "--db", db]
    assert runner.invoke(build_app(), [*args, "--as-of", "2026-12-31"]).exit_code in (0, 1)
    result = runner.invoke(
        build_app(), ["templates", "prefill", "--db", db, "--period", "2027", "-o", str(tmp_path / "2027")]
    )
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "2027").iterdir():
        _fill(path)
    args = ["consolidate", str(tmp_path / "2027"), "-o", str(tmp_path / "c27.xlsx"), "--period", "2027", "--db", db]
    result = runner.invoke(build_app(), [*args, "--as-of", "2027-12-31"])
    assert result.exit_code in (0, 1), result.output
    with open_store(db) as store:
        before, now = store.load("2026"), store.load("2027")
    yoy = compare(before, now)
    assert len(now.risks) == len(before.risks)
    assert {c.kind for c in yoy.risks} <= {"unchanged", "escalated", "deescalated"}
    assert all(c.matched_by == "id" for c in yoy.risks)
    assert all(r.level == 2 for r in now.risks)
    open_before = {(d.unit_code, d.item_id) for d in before.deficiencies if d.open}
    assert {(r.unit_code, r.item_id) for r in yoy.repeated} == open_before
    assert "同比" in openpyxl.load_workbook(tmp_path / "c27.xlsx").sheetnames
