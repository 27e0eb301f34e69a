"""The register's native formulas, recalculated by LibreOffice, agree with the Python core.

Four filled workbooks go through the session's one soffice call (conftest.py): the Chinese
template with the default methodology, the same data with a changed 参数设置 (matrix, probability
and loss bounds, an added wording), the English template, and the register filled with 540
hypothesis-drawn rows (forms.py: every accepted form of the acceptance set, a sample of refused
ones). For every row the core scores, LibreOffice's score, level and rank must equal the core's
(the core reading the sheet's own methodology); rows the core refuses get no rank; every input
cell is graded alike by both or refused by both; no error value shows anywhere; and the
data-validation check lets through only cells the formulas grade.
"""

from __future__ import annotations

import math
import re

import openpyxl
import pytest

from icx.core import scoring
from icx.io import libreoffice
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register
from icx.io.settings_sheet import read_settings_from
from icx.templates.register import refused_mark
from icx.templates.settings import wordings

from .agreement import VALIDATION_SHEET, Case, input_kind

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def cases(engine) -> list[Case]:
    return engine.cases


def _compare(case: Case) -> set[str]:
    book = load_grid(case.source)
    settings = read_settings_from(book)
    assert settings is not None and not settings.errors, [p.render() for p in settings.problems]
    m = settings.methodology
    result = read_register(find_register_sheet(book), m, file=str(case.source))
    core = result.frame
    letters = case.built.placements["register"].letters
    ws = openpyxl.load_workbook(case.recalculated, data_only=True)[case.built.sheets["register"]]
    scored: set[str] = set()
    mismatches = []
    for r, record in case.rows.items():
        got = {k: ws[f"{letters[k]}{r}"].value for k in ("score", "level", "rank")}
        if r in core.index and not math.isnan(core.at[r, "score"]):
            want = {
                "score": float(core.at[r, "score"]),
                "level": m.level_name(int(core.at[r, "level"]), case.lang),
                "rank": int(core.at[r, "rank"]),
            }
            scored.add(record["id"])
            if not (
                isinstance(got["score"], (int, float))
                and abs(got["score"] - want["score"]) < 1e-9
                and got["level"] == want["level"]
                and got["rank"] == want["rank"]
            ):
                mismatches.append((r, record.get("id"), want, got))
        elif got["rank"] not in (None, ""):
            mismatches.append((r, record.get("id"), "refused by the core", got))
    assert not mismatches, f"{len(mismatches)} rows disagree, e.g. {mismatches[:5]}"
    return scored


@pytest.mark.parametrize("name", ["default", "changed", "english"])
def test_libreoffice_agrees_with_the_core_on_every_row(cases: list[Case], name: str) -> None:
    case = next(c for c in cases if c.name == name)
    scored = _compare(case)
    assert len(scored) >= 300
    assert {"E-01", "E-02", "E-07", "E-08", "e-09", "T-01", "t-01", "E-16", "E-17"} <= scored
    refused = {rec["id"] for rec in case.rows.values() if rec["id"].startswith("X-")}
    assert not refused & scored, "the core must refuse the X- rows"
    assert ("W-01" in scored) == (name == "changed")


def test_generated_rows_score_level_and_rank_alike(cases: list[Case]) -> None:
    case = next(c for c in cases if c.name == "generated")
    assert len(case.rows) >= 500
    assert len(_compare(case)) >= 200  # rows both score (the others hold a refused cell or no score)


def _icx_cells(case: Case) -> dict[str, tuple[str, str, float | None]]:
    """'G17' → (kind, 'score', s) / (kind, 'refused', None) / (kind, 'blank', None): icx's verdict
    on each input cell, as the register reader reads the file."""
    book = load_grid(case.source)
    m = read_settings_from(book).methodology  # type: ignore[union-attr]
    result = read_register(find_register_sheet(book), m, file=str(case.source))
    table = result.table
    refused = {p.cell for p in result.problems if p.severity == "error" and p.cell}
    out: dict[str, tuple[str, str, float | None]] = {}
    for key in table.columns:
        kind = input_kind(key)
        if kind is None:
            continue
        for r, reading in zip(table.rows.sheet_rows, scoring.parse_cells(kind, table.rows.column(key), m)):
            where = table.cell(r, key)
            if reading.score is not None:
                out[where] = (kind, "score", reading.score)
            else:
                out[where] = (kind, "refused" if reading.code else "blank", None)
                assert (where in refused) == (reading.code is not None), where
    return out


def test_every_generated_cell_is_graded_alike_or_refused_by_both(cases: list[Case]) -> None:
    case = next(c for c in cases if c.name == "generated")
    letters = case.built.placements["register"].letters
    grade_of = {letters[k]: letters[f"c_{k}" if k != "loss_amount" else "c_money"] for k in letters if input_kind(k)}
    ws = openpyxl.load_workbook(case.recalculated, data_only=True)[case.built.sheets["register"]]
    bad = refused_mark(case.built.book)
    icx = _icx_cells(case)
    counts = {"score": 0, "refused": 0, "blank": 0}
    mismatches = []
    for where, (_, verdict, score) in icx.items():
        letter, row = re.match(r"([A-Z]+)(\d+)", where).groups()  # type: ignore[union-attr]
        got = ws[f"{grade_of[letter]}{row}"].value
        counts[verdict] += 1
        if verdict == "score":
            ok = isinstance(got, (int, float)) and abs(got - score) < 1e-9
        elif verdict == "refused":
            ok = got == bad
        else:
            ok = got in (None, "")
        if not ok:
            mismatches.append((where, ws[where].value, verdict, score, got))
    assert not mismatches, f"{len(mismatches)} cells disagree, e.g. {mismatches[:8]}"
    assert counts["score"] >= 3000 and counts["refused"] >= 200, counts


def test_validation_lets_through_only_what_the_formulas_grade(cases: list[Case]) -> None:
    """What the data validation would accept while typing, the formulas grade as icx does; and
    the forms typing produces (numbers, wordings, 5000元, 1.2万元) it accepts."""
    case = next(c for c in cases if c.name == "generated")
    wb = openpyxl.load_workbook(case.recalculated, data_only=True)
    checks, ws = wb[VALIDATION_SHEET], wb[case.built.sheets["register"]]
    m = case.built.book.methodology
    words = {
        k: {w.replace(" ", "").lower() for w, _ in wordings(s)} for k, s in (("lk", m.likelihood), ("im", m.impact))
    }
    icx = _icx_cells(case)
    let_through = refused_typed = 0
    for where, (kind, verdict, _) in icx.items():
        value = ws[where].value
        if value is None:
            continue
        accepted_while_typing = checks[where].value == 1
        if accepted_while_typing:
            let_through += 1
            assert verdict in ("score", "blank"), (where, value)
        elif verdict == "score":
            refused_typed += 1
            assert not _typed_form(value, kind, words), (where, value)  # a form typing produces must pass
    assert let_through >= 1500, let_through


def _typed_form(value: object, kind: str | None, words: dict[str, set[str]]) -> bool:
    """A form typing produces (and validation must accept): a number in range, a wording as
    listed, or N元 / N万元 / N万 with N plain digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        low = {"likelihood": 0, "impact": 1, "amount": 0}[kind or ""]
        return value >= low and (kind == "amount" or value <= 5)
    text = str(value)
    if kind != "amount" and text.replace(" ", "").lower() in words["lk" if kind == "likelihood" else "im"]:
        return True
    return kind != "likelihood" and re.fullmatch(r"[0-9]+(\.[0-9]+)?(万元|万|元)", text) is not None


def test_changed_settings_change_the_grades(cases: list[Case]) -> None:
    """The changed 参数设置 really regrades (not a vacuous pass): levels move, the new word counts."""
    default, changed = (next(c for c in cases if c.name == n) for n in ("default", "changed"))
    letters = default.built.placements["register"].letters
    a = openpyxl.load_workbook(default.recalculated, data_only=True)[default.built.sheets["register"]]
    b = openpyxl.load_workbook(changed.recalculated, data_only=True)[changed.built.sheets["register"]]
    col = letters["level"]
    moved = sum(1 for r in default.rows if a[f"{col}{r}"].value != b[f"{col}{r}"].value)
    assert moved > 50
    w01 = next(r for r, rec in default.rows.items() if rec.get("id") == "W-01")
    assert a[f"{letters['likelihood']}{w01}"].value == "待更正"  # the default wording table does not know it
    assert b[f"{letters['likelihood']}{w01}"].value == 3  # (2 + 4) / 2 with the added wording


def test_no_error_value_anywhere(cases: list[Case]) -> None:
    """Refused rows show the refusal mark (待更正), never #N/A or #VALUE!, in any sheet."""
    for case in cases:
        assert libreoffice.error_cells(case.recalculated) == [], case.name
        if case.name != "generated":
            ws = openpyxl.load_workbook(case.recalculated, data_only=True)[case.built.sheets["register"]]
            letters = case.built.placements["register"].letters
            x02 = next(r for r, rec in case.rows.items() if rec.get("id") == "X-02")
            assert ws[f"{letters['score']}{x02}"].value == refused_mark(case.built.book)
