"""The register's native formulas, recalculated by LibreOffice, agree with the Python core.

Three filled unit workbooks go through the session's one soffice call (conftest.py): the Chinese
template with the default methodology, the same data with a changed 参数设置 (matrix, probability and loss bounds, an
added wording), and the English template. For every row the core scores, LibreOffice's score,
level and rank must equal the core's (the core reading the sheet's own methodology); rows the
core refuses must get no rank; errors may appear only on the refused rows.
"""

from __future__ import annotations

import math

import openpyxl
import pytest

from icx.io import libreoffice
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register
from icx.io.settings_sheet import read_settings_from

from .agreement import Case

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
    assert a[f"{letters['likelihood']}{w01}"].value == "#N/A"  # the default wording table does not know it
    assert b[f"{letters['likelihood']}{w01}"].value == 3  # (2 + 4) / 2 with the added wording


def test_errors_appear_only_on_refused_rows(cases: list[Case]) -> None:
    for case in cases:
        refused = {r for r, rec in case.rows.items() if rec.get("id", "").startswith(("X-", "W-"))}
        errors = libreoffice.error_cells(case.recalculated)
        rows = {int("".join(ch for ch in e.cell if ch.isdigit())) for e in errors}
        assert errors, "the refused rows should show errors"
        stray = [str(e) for e in errors if int("".join(ch for ch in e.cell if ch.isdigit())) not in refused]
        if case.name == "changed":  # W-01 is readable there
            assert not any(e.sheet == case.built.sheets["register"] and str(e).endswith("W-01") for e in errors)
        assert not stray, stray[:10]
        assert rows <= refused
