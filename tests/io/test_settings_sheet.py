"""The 参数设置 reader: the template's own tables give back the methodology; every edit a unit
makes is honoured; every bad cell is named exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from icx.core.methodology import default_methodology
from icx.core.scoring import likelihood_from_wording
from icx.io.grid import load_grid
from icx.io.settings_sheet import read_settings_from
from icx.templates import Sizes, save_template
from icx.templates import build as build_template

M = default_methodology()


def build(kind: str, lang: str):
    return build_template(kind, lang, sizes=Sizes(register_rows=5))  # only 参数设置 matters here


def _cells(built, name: str) -> list:
    sheet, ref = next(iter(built.wb.defined_names[name].destinations))
    return [c for row in built.wb[sheet][ref.replace("$", "")] for c in row]


def _read(built, tmp_path: Path, name: str = "s.xlsx"):
    path = save_template(built, tmp_path / name)
    result = read_settings_from(load_grid(path))
    assert result is not None
    return result


def _where(result) -> list[tuple[str, str | None, str]]:
    return [(p.sheet, p.cell, p.code) for p in result.problems]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_reads_back_as_the_default_methodology(tmp_path: Path, lang: str) -> None:
    result = _read(build("register", lang), tmp_path)
    assert result.found and result.problems == []
    assert result.methodology == M
    assert result.evaluation_factors == {"符合": 1.0, "基本符合": 0.5, "不符合": 0.0, "不适用": None}


def test_edits_to_matrix_bounds_wordings_and_shares_are_read(tmp_path: Path) -> None:
    built = build("register", "zh")
    matrix = _cells(built, "icx_matrix")  # row-major, likelihood band 5 in the top row
    matrix[3 * 5 + 4].value = "一级"  # likelihood band 2, impact band 5: 二级 → 一级 (still monotone)
    lk_edges = _cells(built, "icx_lk_edges")
    lk_edges[0].value = "15%"  # percent text is fine
    im_edges = _cells(built, "icx_im_edges")
    im_edges[3].value = "150万"  # so is a money text
    words, scores = _cells(built, "icx_lk_words"), _cells(built, "icx_lk_word_scores")
    free = next(i for i, c in enumerate(words) if c.value is None)
    words[free].value, scores[free].value = "偶尔", 2
    for i, c in enumerate(words):
        if c.value in ("很可能", "highly probable"):  # the unit drops a coarse wording (both its names)
            words[i].value = scores[i].value = None
    factors = _cells(built, "icx_result_factors")
    factors[1].value = 0.6
    result = _read(built, tmp_path)
    assert result.problems == []
    m = result.methodology
    assert m.matrix.level(2, 5) == 1 and M.matrix.level(2, 5) == 2 and m.matrix.level(2, 4) == M.matrix.level(2, 4)
    assert m.likelihood.probability_edges == (0.15, 0.3, 0.7, 0.9)
    assert m.impact.money_edges == (100, 2000, 10000, 1_500_000)
    assert likelihood_from_wording("偶尔", m) == 2
    assert "很可能" not in m.likelihood_words and "很可能" in M.likelihood_words
    assert result.evaluation_factors["基本符合"] == 0.6


def test_every_bad_cell_is_named(tmp_path: Path) -> None:
    built = build("register", "zh")
    ws = built.wb["参数设置"]
    matrix = _cells(built, "icx_matrix")
    matrix[0].value = "四级"  # B22: not a level
    lk = _cells(built, "icx_lk_edges")
    lk[1].value = "高"  # D8
    lk[3].value = 0.5  # D10: below D9's 70%
    words, scores = _cells(built, "icx_lk_words"), _cells(built, "icx_lk_word_scores")
    scores[0].value = 7  # I6: a score outside 1–5
    free = next(i for i, c in enumerate(words) if c.value is None)
    words[free].value, scores[free].value = "likely", 2  # already 4 above → repeated with another score
    ws["E30"].value = "红色"  # the colour of 一级
    factors = _cells(built, "icx_result_factors")
    factors[1].value = "一半"
    result = _read(built, tmp_path)
    where = {(cell, code) for _, cell, code in _where(result)}
    assert ("B22", "settings_level_invalid") in where
    assert ("D8", "settings_probability_invalid") in where
    assert ("D10", "settings_edges_order") in where
    assert ("I6", "settings_number_invalid") in where
    assert (words[free].coordinate, "settings_word_twice") in where
    assert ("E30", "settings_color_invalid") in where
    assert (factors[1].coordinate, "settings_factor_invalid") in where
    assert all(sheet == "参数设置" for sheet, _, _ in _where(result))
    # Nothing bad reaches the methodology: the matrix and bounds stay the base's.
    assert result.methodology.matrix == M.matrix
    assert result.methodology.likelihood.probability_edges == M.likelihood.probability_edges


def test_a_matrix_that_breaks_the_order_names_the_cell(tmp_path: Path) -> None:
    built = build("register", "zh")
    matrix = _cells(built, "icx_matrix")
    matrix[3 * 5 + 4].value = "三级"  # F25 (likelihood 2, impact 5): less severe than E25 (二级) and F26 (二级)
    result = _read(built, tmp_path)
    assert {(p.cell, p.code) for p in result.problems} >= {
        ("F25", "settings_matrix_impact_order"),
        ("F25", "settings_matrix_likelihood_order"),
    }
    assert result.methodology.matrix == M.matrix


def test_rows_inserted_above_and_a_level_renamed(tmp_path: Path) -> None:
    built = build("register", "zh")
    for cell in _cells(built, "icx_matrix"):
        if cell.value == "一级":
            cell.value = "重大"
    built.wb["参数设置"]["B30"].value = "重大"
    built.wb["参数设置"].insert_rows(1, 3)  # a unit adds its own heading above everything
    result = _read(built, tmp_path)
    assert result.problems == []
    assert result.methodology.matrix == M.matrix
    assert result.methodology.level_name(1) == "重大"


def test_a_word_that_names_another_score_is_refused(tmp_path: Path) -> None:
    built = build("register", "zh")
    words, scores = _cells(built, "icx_lk_words"), _cells(built, "icx_lk_word_scores")
    i = next(i for i, c in enumerate(words) if c.value == "较高")
    scores[i].value = 2  # 较高 is the name of score 4
    result = _read(built, tmp_path)
    assert [(p.cell, p.code) for p in result.problems] == [(words[i].coordinate, "settings_word_is_name")]


def test_a_sheet_without_tables_keeps_the_base(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "参数设置"
    wb.active["A1"] = "本单位采用默认方法"
    wb.save(tmp_path / "empty.xlsx")
    result = read_settings_from(load_grid(tmp_path / "empty.xlsx"))
    assert result is not None and not result.found and result.methodology == M and result.problems == []


def test_a_sheet_read_again_is_answered_for_its_own_file(tmp_path: Path) -> None:
    """A batch meets the same 参数设置 hundreds of times and reads it once per process; each file
    still gets its problems under its own name, and a changed sheet is read anew."""
    built = build("register", "zh")
    _cells(built, "icx_lk_edges")[1].value = "高"  # D8: a problem every copy carries
    first, second = _read(built, tmp_path, "a.xlsx"), _read(built, tmp_path, "b.xlsx")
    assert [(p.cell, p.code) for p in first.problems] == [(p.cell, p.code) for p in second.problems] != []
    assert {p.file for p in first.problems} == {str(tmp_path / "a.xlsx")}
    assert {p.file for p in second.problems} == {str(tmp_path / "b.xlsx")}
    assert first.methodology is second.methodology
    _cells(built, "icx_lk_edges")[1].value = "35%"  # mended: the same file name, new content
    mended = _read(built, tmp_path, "a.xlsx")
    assert "settings_probability_invalid" not in {p.code for p in mended.problems}
