"""`icx history list / trend / delete` against a store with two periods."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.io.history_store import open_store
from tests.history.test_store import sample

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "history.db")
    with open_store(path) as store:
        store.record(sample("2025", 2025))
        later = sample()
        later.units = [dataclasses.replace(later.units[0], evaluation_score=91.5)]  # FB002 did not report
        later.risks = [r for r in later.risks if r.unit_code != "FB002"]
        store.record(later)
    return path


def run(*args: str):
    return runner.invoke(build_app(), list(args))


def test_list_shows_each_period_with_its_counts(db: str) -> None:
    result = run("history", "list", "--db", db)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "2025" in line or "2026" in line]
    assert "2025-12-31" in lines[0] and "│ 2 " in lines[0] and "2026-12-31" in lines[-1]


def test_trend_workbook_of_one_unit(db: str, tmp_path: Path) -> None:
    out = tmp_path / "trend.xlsx"
    result = run("history", "trend", "--unit", "fb002", "-o", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5, max_col=7)]
    assert rows[0][0] == "2025" and rows[0][2:6] == [0, 0, 1, 1] and rows[0][6] is None  # reported, no score
    assert rows[1][0] == "2026" and rows[1][2:6] == [0, 0, 0, 0] and rows[1][6] == "未报送"
    assert len(ws._charts) == 2


def test_trend_of_an_area_and_of_all_units(db: str, tmp_path: Path) -> None:
    out = tmp_path / "area.xlsx"
    assert run("history", "trend", "--area", "预算", "-o", str(out), "--db", db).exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in ws[4]][2:6] == [1, 0, 0, 1]
    out = tmp_path / "all.xlsx"
    assert run("history", "trend", "-o", str(out), "--db", db, "--lang", "en").exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.title == "Trend" and [c.value for c in ws[5]][2:6] == [1, 0, 0, 1]


def test_delete_asks_and_refuses_unknown_periods(db: str) -> None:
    declined = runner.invoke(build_app(), ["history", "delete", "2025", "--db", db], input="n\n")
    assert declined.exit_code == 2 and "未删除" in declined.output
    unknown = run("history", "delete", "2019", "--db", db, "--yes")
    assert unknown.exit_code == 2 and "2025" in unknown.output
    assert run("history", "delete", "2025", "--db", db, "--yes").exit_code == 0
    with open_store(db) as store:
        assert [i.period for i in store.periods()] == ["2026"]


def test_no_store_given_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICX_DB", raising=False)
    result = run("history", "list")
    assert result.exit_code == 2 and "--db" in result.output


def test_a_failed_recording_leaves_the_store_as_it_was_and_exits_2(db: str, tmp_path: Path) -> None:
    """The store is written while the summary is: a recording the database refuses (here a
    trigger) is reported with exit 2, the summary is still written, and the period it would have
    replaced stays as it was."""
    import sqlite3

    from icx.demo.data import make_units
    from icx.demo.workbooks import write_unit_workbook

    for unit in make_units(2):
        write_unit_workbook(unit, tmp_path / "units" / f"{unit.code}.xlsx")
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON risks BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    out = tmp_path / "committee.xlsx"
    args = ["consolidate", str(tmp_path / "units"), "-o", str(out), "--period", "2026", "--db", db, "-j", "1"]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "disk says no" in result.output and "已记入" not in result.output
    assert out.exists()  # the summary does not depend on the store
    with open_store(db) as store:
        assert [i.period for i in store.periods()] == ["2025", "2026"]
        # the 2026 recorded before is still whole: the failed replacement was rolled back
        assert len(store.load("2026").risks) == sum(1 for r in sample().risks if r.unit_code != "FB002")
