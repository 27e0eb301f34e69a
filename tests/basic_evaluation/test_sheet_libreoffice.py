"""The 基础性评价 sheet's native formulas, recalculated by LibreOffice, agree with the Python core.

One soffice call recalculates: workbooks with random answers of every kind (是/否/不适用, aliases,
blanks, unreadable words, derived values with and without overrides) and the band edges of 7.2
and 11.3, in Chinese and English; and the three demo units (complete, partial, 不适用), whose
derived column icx wrote itself. For every criterion LibreOffice's score, deduction and 不适用
points must equal the core's, and every total, indicator score and count on the sheet too.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from icx.core.basic_evaluation.scoring import score
from icx.core.basic_evaluation.system import default_system
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io import libreoffice
from icx.io.basic_evaluation_sheet import evaluate_book, find_basic_evaluation_sheet, read_answers
from icx.io.grid import load_grid
from icx.templates import build

from .sheetbook import SheetCase, make_sheet_cases, stored_derived

pytestmark = pytest.mark.libreoffice
S = default_system()


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SheetCase], list[tuple[Path, Path]]]:
    folder = tmp_path_factory.mktemp("be-lo")
    cases = make_sheet_cases(folder)
    demos = [write_unit_workbook(make_unit(i), folder / f"be-demo-{i}.xlsx") for i in range(3)]
    outputs = libreoffice.recalculate([c.source for c in cases] + demos, folder / "recalculated")
    for case, out in zip(cases, outputs):
        case.recalculated = out
    return cases, list(zip(demos, outputs[len(cases) :]))


def _compare(card, recalculated: Path, lang: str) -> int:
    """Every row and total of the recalculated sheet against ``card``; returns rows compared."""
    layout = _layout(lang)
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    ws = wb[build_sheet_name(lang)]
    L = layout.table.letters
    bad = []
    for row in card.criteria:
        r = layout.rows[row.id]
        got = {
            "score": ws[f"{L['score']}{r}"].value,
            "deduction": ws[f"{L['deduction']}{r}"].value,
            "na": ws[f"{L['helper_na_points']}{r}"].value,
            "override": ws[f"{L['helper_override']}{r}"].value,
            "reason": ws[f"{L['reason']}{r}"].value,
        }
        want_score = "" if row.score is None else row.score
        if not (
            _same(got["score"], want_score)
            and _same(got["deduction"], "" if row.score is None else row.deduction)
            and got["na"] == row.na_points
            and got["override"] == int(row.overridden)
            and bool(got["reason"]) == bool(row.reason_zh)
        ):
            bad.append((row.id, row.response.answer, row.outcome, want_score, got))
    assert not bad, f"{len(bad)} rows disagree, e.g. {bad[:4]}"
    for no, r in layout.indicator_rows.items():
        sub = card.indicator(no)
        assert _same(ws[f"F{r}"].value, sub.score) and _same(ws[f"H{r}"].value, sub.na_points), no
        assert _same(ws[f"G{r}"].value, sub.deduction), no
        scaled = "" if sub.scaled is None else round(sub.scaled + 0.0, 2)
        assert _same(ws[f"I{r}"].value, scaled, 0.005), (no, ws[f"I{r}"].value, scaled)
    for code, r in layout.level_rows.items():
        assert _same(ws[f"F{r}"].value, card.level(code).score), code
    t = layout.total_row
    assert _same(ws[f"F{t}"].value, card.score) and _same(ws[f"H{t}"].value, card.na_points)
    assert _same(ws[layout.converted_cell].value, "" if card.converted is None else card.converted)
    summary = ws[layout.summary_cell].value
    counts = _counts(ws, layout)
    assert counts == (len(card.unanswered), len(card.invalid), len(card.overrides)), summary
    if lang == "zh":
        assert f"未作答 {counts[0]} 项，无法识别 {counts[1]} 项，覆盖icx推导 {counts[2]} 项" in summary
    return len(card.criteria)


@cache
def _layout(lang: str):
    return build("unit", lang).basic_evaluation  # type: ignore[arg-type]


def build_sheet_name(lang: str) -> str:
    from icx.io.specs import sheet_names

    return sheet_names("basic_evaluation")[0 if lang == "zh" else 1]


def _counts(ws, layout) -> tuple[int, int, int]:
    L = layout.table.letters
    codes = [ws[f"{L['helper_code']}{r}"].value for r in layout.rows.values()]
    overrides = sum(ws[f"{L['helper_override']}{r}"].value for r in layout.rows.values())
    return sum(1 for c in codes if c in (None, "")), sum(1 for c in codes if c == "?"), overrides


def _same(got, want, tolerance: float = 1e-9) -> bool:
    if want == "":
        return got in (None, "")
    return isinstance(got, (int, float)) and abs(got - want) <= tolerance


def test_random_answers_and_band_edges_agree(engine) -> None:
    cases, _ = engine
    compared = 0
    outcomes = set()
    for case in cases:
        book = load_grid(case.source)
        answers = read_answers(find_basic_evaluation_sheet(book), S, str(case.source))
        card = score(answers.responses, stored_derived(answers.stored_derived), S)
        outcomes |= {(r.outcome, r.source, r.overridden) for r in card.criteria}
        compared += _compare(card, case.recalculated, case.lang)
        assert libreoffice.error_cells(case.recalculated, [build_sheet_name(case.lang)]) == []
    assert compared == len(cases) * len(S.criteria)
    kinds = {o for o, _, _ in outcomes}
    assert kinds == {"yes", "no", "na", "rate", "blank", "invalid"}
    assert ("no", "derived", False) in outcomes and any(o[2] for o in outcomes)


def test_band_edges_score_as_the_core_says(engine) -> None:
    cases, _ = engine
    wanted = {0.05: 4, 0.050000001: 2, -0.05: 4, 0.1: 2, 0.100000001: 0, "5%": 4, "10.0%": 2, 105 / 100 - 1: 4}
    for case in cases:
        wb = openpyxl.load_workbook(case.recalculated, data_only=True)
        ws = wb[build_sheet_name(case.lang)]
        layout = case.built.basic_evaluation
        r = layout.rows["7.2.1"]
        given = ws[f"{layout.table.letters['answer']}{r}"].value
        source = openpyxl.load_workbook(case.source)[build_sheet_name(case.lang)][
            f"{layout.table.letters['answer']}{r}"
        ].value
        if source in wanted:
            assert ws[f"{layout.table.letters['score']}{r}"].value == wanted[source], (source, given)


def test_demo_units_agree_through_the_whole_reader(engine) -> None:
    _, demos = engine
    modes = []
    for source, recalculated in demos:
        found = evaluate_book(load_grid(source), as_of=dt.date(2026, 12, 31), file=str(source))
        assert not [p for p in found.problems if p.code == "basic_evaluation_derived_stale"]
        _compare(found.scorecard, recalculated, "zh")
        assert libreoffice.error_cells(recalculated) == []
        modes.append((len(found.scorecard.unanswered), found.scorecard.na_points))
    assert modes[0][0] == 0 and modes[1][0] > 0 and modes[2][1] > modes[0][1]
