"""Filled unit workbooks for the real-engine agreement test (see test_formulas_libreoffice.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from icx.core.methodology import Methodology
from icx.templates import Built, Sizes, build, save_template
from icx.templates.cell_formulas import validation_formula
from icx.templates.layout import fill_rows

from .fill import edge_risks, random_risks, refused_risks, risk
from .forms import draw_rows

RANDOM_RISKS = 320
GENERATED_RISKS = 540  # hypothesis-drawn rows (forms.py): every accepted form, a sample of refused ones
NEW_WORD = "偶尔发生"
VALIDATION_SHEET = "校验公式"  # the data-validation checks, evaluated as cell formulas
INPUT_KINDS = {"likelihood_": "likelihood", "impact_": "impact", "loss_amount": "amount"}


@dataclass
class Case:
    name: str
    lang: str
    built: Built
    source: Path
    rows: dict[int, dict]  # sheet row → record written
    recalculated: Path | None = None


def records(m: Methodology) -> list[dict]:
    out: list[dict] = []
    for i, row in enumerate(random_risks(m, RANDOM_RISKS)):
        out.append(row)
        if i % 60 == 59:
            out.append({})  # blank rows between entries
    out += edge_risks()
    out.append(risk("W-01", [NEW_WORD, 4], [2]))  # a wording only the changed settings know
    out += refused_risks()
    return out


def fill(built: Built, rows: list[dict]) -> dict[int, dict]:
    placement = built.placements["register"]
    fill_rows(built.wb[built.sheets["register"]], placement, rows)
    return {placement.first_row + i: rec for i, rec in enumerate(rows) if rec}


def cells(built: Built, name: str):
    sheet, ref = next(iter(built.wb.defined_names[name].destinations))
    return built.wb[sheet][ref.replace("$", "")]


def change_settings(built: Built) -> None:
    """One level more severe everywhere (still monotone), new bounds, one more wording."""
    m = built.book.methodology
    for row in cells(built, "icx_matrix"):
        for cell in row:
            level = [lv.name_zh for lv in m.risk_levels].index(cell.value) + 1
            cell.value = m.level_name(max(1, level - 1))
    for (cell,), value in zip(cells(built, "icx_lk_edges"), (0.05, 0.25, 0.6, 0.95)):
        cell.value = value
    for (cell,), value in zip(cells(built, "icx_im_edges"), (50, 1000, 20000, 500000)):
        cell.value = value
    words, scores = cells(built, "icx_lk_words"), cells(built, "icx_lk_word_scores")
    blank = next(i for i, (c,) in enumerate(words) if c.value is None)
    words[blank][0].value, scores[blank][0].value = NEW_WORD, 2


def input_kind(key: str) -> str | None:
    """'likelihood', 'impact' or 'amount' for an input column key, else None."""
    return next((kind for prefix, kind in INPUT_KINDS.items() if key.startswith(prefix)), None)


def add_validation_checks(built: Built, rows: dict[int, dict]) -> None:
    """A sheet evaluating each input column's data-validation formula on every filled cell, so
    LibreOffice says what validation would have let through while typing."""
    placement = built.placements["register"]
    register = built.sheets["register"]
    ws = built.wb.create_sheet(VALIDATION_SHEET)
    for r in rows:
        for key, letter in placement.letters.items():
            kind = input_kind(key)
            if kind is not None:
                check = validation_formula(kind, f"'{register}'!{letter}{r}")  # type: ignore[arg-type]
                ws[f"{letter}{r}"] = f"=IF({check[1:]},1,0)"


def make_generated(folder: Path) -> Case:
    """The register template filled with hypothesis-drawn rows, with the validation checks."""
    built = build("register", "zh", sizes=Sizes(register_rows=GENERATED_RISKS + 20))
    rows = fill(built, draw_rows(built.book.methodology, GENERATED_RISKS))
    add_validation_checks(built, rows)
    return Case("generated", "zh", built, save_template(built, folder / "agreement-generated.xlsx"), rows)


def make_cases(folder: Path) -> list[Case]:
    """The Chinese template, the same with changed 参数设置, the English template, filled; and the
    register filled with generated rows."""
    out = []
    for name, lang, change in (("default", "zh", False), ("changed", "zh", True), ("english", "en", False)):
        built = build("unit", lang)  # type: ignore[arg-type]
        rows = fill(built, records(built.book.methodology))
        if change:
            change_settings(built)
        out.append(Case(name, lang, built, save_template(built, folder / f"agreement-{name}.xlsx"), rows))
    out.append(make_generated(folder))
    return out
