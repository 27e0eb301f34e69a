"""The checks read the standard unit workbook (icx.templates) filled with demo data, and the
template's own 得分 formulas, recalculated by LibreOffice, agree with the Python scores — also
after a unit changes the shares on its 参数设置 sheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from icx.demo.data import make_unit
from icx.io.duties import check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import load_grid
from icx.templates.build import build, save_template
from icx.templates.layout import fill_rows

AS_OF = dt.date(2026, 12, 31)


def filled_template(path, unit):
    built = build("unit")
    for key, rows in (
        ("duty_rules", unit.duty_rules),
        ("post_duties", unit.post_duties),
        ("person_posts", unit.person_posts),
        ("transaction_log", unit.transactions),
        ("evaluation", unit.evaluation),
    ):
        fill_rows(built.wb[built.sheets[key]], built.placements[key], rows)
    return save_template(built, path)


def set_share(path, result, share):
    """Change one share in the 参数设置 results table, found by its headers."""
    wb = openpyxl.load_workbook(path)
    ws = wb["参数设置"]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    ((r, col),) = [(r, c) for (r, c), v in cells.items() if v == "得分比例"]
    row = next(rr for (rr, cc), v in cells.items() if rr > r and v == result)
    ws.cell(row=row, column=col, value=share)
    wb.save(path)


def test_the_checks_read_the_standard_template(tmp_path):
    unit = make_unit(1)
    path = filled_template(tmp_path / "unit.xlsx", unit)
    book = load_grid(path)
    conflicts = check_conflicts(book, file=str(path))
    assert conflicts.problems == [] and {"CG-03", "JL-01"} <= {c.rule_id for c in conflicts.conflicts}
    evaluation = read_evaluation(book, as_of=AS_OF, file=str(path))
    assert evaluation.problems == [] and len(evaluation.result.deficiencies) >= 3


@pytest.mark.libreoffice
@pytest.mark.slow
def test_template_formulas_agree_with_python_scores(tmp_path):
    from icx.io.libreoffice import recalculate

    unit = make_unit(2)
    default = filled_template(tmp_path / "default.xlsx", unit)
    changed = filled_template(tmp_path / "changed.xlsx", unit)
    set_share(changed, "基本符合", 0.6)
    outputs = recalculate([default, changed], tmp_path / "recalc")
    for path, partial in zip(outputs, (0.5, 0.6)):
        sheet = read_evaluation(load_grid(path), as_of=AS_OF, file=str(path))
        # the stored 得分 of every row equals Python's (a difference would be a stored_differs warning)
        assert sheet.problems == [], [p.render() for p in sheet.problems]
        assert sheet.config.partial_factor == partial
        ws = openpyxl.load_workbook(path, data_only=True)["自我评价"]
        col = sheet.table.columns["score"] + 1
        stored = sum(
            v
            for (v,) in ws.iter_rows(min_row=sheet.table.header_row + 2, min_col=col, max_col=col, values_only=True)
            if isinstance(v, (int, float))
        )
        assert stored == pytest.approx(sheet.result.overall.score)
