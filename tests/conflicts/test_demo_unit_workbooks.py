"""Both engines on the unit workbooks `icx demo` writes (the standard template filled in), in
Chinese and English: some conflicts, some deficiencies (some overdue), no errors, and the same
findings whatever the language."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.demo.data import make_units
from icx.demo.workbooks import write_unit_workbook
from icx.io.duties import check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import load_grid

AS_OF = dt.date(2026, 12, 31)
UNITS = make_units(3)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-units")
    out = {(u.code, "zh"): write_unit_workbook(u, folder / f"{u.code}.xlsx") for u in UNITS}
    out[(UNITS[0].code, "en")] = write_unit_workbook(UNITS[0], folder / f"{UNITS[0].code}-en.xlsx", lang="en")
    return out


def findings(path):
    book = load_grid(path)
    conflicts = check_conflicts(book, file=str(path))
    evaluation = read_evaluation(book, as_of=AS_OF, file=str(path))
    return conflicts, evaluation


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.code)
def test_demo_unit_workbooks_show_conflicts_and_deficiencies(workbooks, unit):
    conflicts, evaluation = findings(workbooks[(unit.code, "zh")])
    assert conflicts.problems == [] and evaluation.problems == []
    kinds = conflicts.report.counts_by("kind")
    assert kinds["person"] and kinds["control"] and kinds["transaction"]
    assert sum(conflicts.report.counts_by_area().values()) == len(conflicts.conflicts)
    result = evaluation.result
    assert len(result.deficiencies) >= 3 and result.overdue_deficiencies and result.open_deficiencies
    assert 0 < result.overall.percent < 100


def test_english_workbook_gives_the_same_findings(workbooks):
    code = UNITS[0].code
    (zh_c, zh_e), (en_c, en_e) = findings(workbooks[(code, "zh")]), findings(workbooks[(code, "en")])
    assert en_c.problems == [] and en_e.problems == []
    key = lambda c: (c.kind, c.rule_id, c.person, c.reference, c.period)  # noqa: E731
    assert sorted(map(key, zh_c.conflicts)) == sorted(map(key, en_c.conflicts))
    assert zh_e.result.overall == en_e.result.overall
    assert [(d.item_id, d.grade, d.status, d.overdue) for d in zh_e.result.deficiencies] == [
        (d.item_id, d.grade, d.status, d.overdue) for d in en_e.result.deficiencies
    ]


def test_the_commands_on_a_demo_workbook(workbooks, tmp_path):
    runner = CliRunner()
    source = workbooks[(UNITS[1].code, "zh")]
    conflicts = runner.invoke(app, ["check", "conflicts", str(source), "-o", str(tmp_path / "c.xlsx")])
    evaluation = runner.invoke(
        app, ["check", "evaluation", str(source), "--as-of", "2026-12-31", "-o", str(tmp_path / "e.xlsx")]
    )
    assert conflicts.exit_code == 1 and "冲突" in conflicts.output
    assert evaluation.exit_code == 1 and "逾期" in evaluation.output  # overdue deficiencies gate too
