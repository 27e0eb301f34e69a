"""Filled unit workbooks for the real-engine agreement test (see test_formulas_libreoffice.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from icx.core.methodology import Methodology
from icx.templates import Built, build, save_template
from icx.templates.layout import fill_rows

from .fill import edge_risks, random_risks, refused_risks, risk

RANDOM_RISKS = 320
NEW_WORD = "偶尔发生"


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


def make_cases(folder: Path) -> list[Case]:
    """The Chinese template, the same with changed 参数设置, and the English template, filled."""
    out = []
    for name, lang, change in (("default", "zh", False), ("changed", "zh", True), ("english", "en", False)):
        built = build("unit", lang)  # type: ignore[arg-type]
        rows = fill(built, records(built.book.methodology))
        if change:
            change_settings(built)
        out.append(Case(name, lang, built, save_template(built, folder / f"agreement-{name}.xlsx"), rows))
    return out
