"""Worksheet functions called the way xlwings calls them: lists of rows, blanks as None, text,
numbers stored as text. Every answer is held against the scalar core (``icx.core.scoring``),
cell by cell; bad cells answer with the catalogue's message and the rest is still computed."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core import scoring
from icx.core.errors import InvalidValue
from icx.core.methodology import default_methodology
from icx.core.parsing import is_blank
from icx.excel import udfs
from icx.excel.udfs import (
    ICX_AVG,
    ICX_BAND,
    ICX_CONFLICT,
    ICX_EVAL_SCORE,
    ICX_IMPACT,
    ICX_LEVEL,
    ICX_LEVEL_LABEL,
    ICX_LIKELIHOOD,
    ICX_RANK,
    ICX_SCORE,
)

ZH_ERROR = "错误："
EN_ERROR = "Error: "

MIXED = [
    [1, "35%", None, "较高"],
    ["abc", "3", "４", 0.95],
    ["  ", True, 2.5, "很可能"],
    [0.1, "10%", 7, "likely"],
]


class Refused(str):
    """The scalar core refused this value; the UDF must answer an error text naming it."""


def expected_cell(fn: Callable[[Any], Any], value: Any) -> Any:
    """What the scalar core says about one cell: its value, '' for a blank, or ``Refused``."""
    if is_blank(value):
        return ""
    try:
        return fn(value)
    except InvalidValue as exc:
        return Refused(exc.problem.message_zh)


def assert_cells(actual: list[list[Any]], expected: list[list[Any]]) -> None:
    assert len(actual) == len(expected)
    for r, (got_row, want_row) in enumerate(zip(actual, expected)):
        assert len(got_row) == len(want_row), f"row {r}"
        for c, (got, want) in enumerate(zip(got_row, want_row)):
            if isinstance(want, Refused):
                # Scalar and column parsers may word a refusal differently (e.g. which rule a
                # negative amount breaks); both must refuse and quote the cell.
                assert isinstance(got, str) and got.startswith(ZH_ERROR), f"cell {r},{c}: {got!r}"
                assert want.split("实际为")[-1] in got, f"cell {r},{c}: {got!r} vs {want!r}"
            elif isinstance(want, float) and isinstance(got, (int, float)):
                assert math.isclose(got, want, rel_tol=0, abs_tol=1e-9), f"cell {r},{c}: {got} != {want}"
            else:
                assert got == want, f"cell {r},{c}: {got!r} != {want!r}"


def test_likelihood_equals_the_core_cell_by_cell() -> None:
    expected = [[expected_cell(scoring.likelihood, v) for v in row] for row in MIXED]
    assert_cells(ICX_LIKELIHOOD(MIXED), expected)
    # the bad cells are errors, the good ones next to them are still scored
    answer = ICX_LIKELIHOOD(MIXED)
    assert answer[1][0].startswith(ZH_ERROR) and "abc" in answer[1][0]
    assert answer[1][1] == 3.0 and answer[1][2] == 4.0  # "3" stored as text, full-width ４
    assert answer[0][2] == ""  # blank stays blank


def test_error_texts_follow_the_language_argument() -> None:
    answer = ICX_LIKELIHOOD([["abc", 2]], "en")
    assert answer[0][0].startswith(EN_ERROR) and "Likelihood is 'abc'" in answer[0][0]
    assert answer[0][1] == 2.0


def test_single_value_and_flat_list_are_accepted() -> None:
    assert ICX_LIKELIHOOD("较高") == [[4.0]]
    assert ICX_LIKELIHOOD([1, "50%"]) == [[1.0], [3.0]]  # a flat list reads as a column


def test_impact_equals_the_core() -> None:
    grid = [["¥12,000", 3, None], ["重大", "1.2万", "4"], ["-5元", "abc", "中度影响"]]
    expected = [[expected_cell(scoring.impact, v) for v in row] for row in grid]
    assert_cells(ICX_IMPACT(grid), expected)


def test_impact_with_amounts_takes_the_worst_dimension() -> None:
    values = [[2], [None], [5], [None], ["x"]]
    amounts = [[50_000], [150], [10], [None], [1]]
    answer = ICX_IMPACT(values, amounts)
    for row, (v, a) in enumerate(zip(values, amounts)):
        if v[0] is None and a[0] is None:
            assert answer[row] == [""]
        elif v[0] == "x":
            assert answer[row][0].startswith(ZH_ERROR)
        else:
            want = scoring.impact_worst(amount=a[0], reputation=v[0])
            assert answer[row] == [want]


def test_average_row_by_row() -> None:
    scores = [[1, 2, None, 4, 5], [None] * 5, ["3", 3.5, None, None, 4], [2, "x", 3, 3, 3], ["５", 5, 5, 5, 5]]
    answer = ICX_AVG(scores)
    assert len(answer) == len(scores) and all(len(r) == 1 for r in answer)
    for row, got in zip(scores, answer):
        want = expected_cell(lambda r: scoring.average(r), row) if any(not is_blank(v) for v in row) else ""
        if isinstance(want, Refused):
            assert got[0].startswith(ZH_ERROR) and "x" in got[0]
        else:
            assert got[0] == pytest.approx(want) if want != "" else got[0] == ""


def test_average_of_wordings_when_the_kind_is_given() -> None:
    assert ICX_AVG([["较高", "很可能", "50%", None]], "可能性") == [[pytest.approx((4 + 5 + 3) / 3)]]
    assert ICX_AVG([["重大", "¥500", 3]], "impact") == [[pytest.approx((5 + 2 + 3) / 3)]]
    assert ICX_AVG([[1]], "colour")[0][0].startswith(ZH_ERROR)


def test_score_band_level_equal_the_core() -> None:
    lk = [[1], [2.4], ["3.5"], [5], [4.2], [None], [6], [None]]
    im = [[1], [3.6], [2], ["5"], [4.8], [3], [2], [None]]
    scores, levels = ICX_SCORE(lk, im), ICX_LEVEL(lk, im)
    for row, (l, i) in enumerate(zip(lk, im)):
        l, i = l[0], i[0]
        if l is None and i is None:
            assert scores[row] == [""] and levels[row] == [""]
        elif l is None:
            assert scores[row][0] == ZH_ERROR + "缺少可能性"
        elif l == 6:
            assert scores[row][0].startswith(ZH_ERROR) and levels[row][0].startswith(ZH_ERROR)
        else:
            assert scores[row] == [pytest.approx(scoring.risk_score(l, i))]
            assert levels[row] == [scoring.risk_level(l, i)]


def test_band_edges() -> None:
    values = [[0, 0.5, 1, 1.0001, 2, 2.0000000001, 3.999, 5, 5.01, "x", None, "2"]]
    expected = [[expected_cell(scoring.band, v) for v in values[0]]]
    assert_cells(ICX_BAND(values), expected)


def test_all_25_matrix_cells() -> None:
    lk = [[l] for l in range(1, 6) for _ in range(1, 6)]
    im = [[i] for _ in range(1, 6) for i in range(1, 6)]
    assert ICX_LEVEL(lk, im) == [[scoring.risk_level(l[0], i[0])] for l, i in zip(lk, im)]


def test_level_honours_the_settings_matrix_either_way_up() -> None:
    # A stricter matrix: everything one level more severe except the corner.
    matrix = [[3, 3, 2, 2, 1], [3, 2, 2, 1, 1], [2, 2, 1, 1, 1], [2, 1, 1, 1, 1], [1, 1, 1, 1, 1]]
    m = default_methodology().override({"matrix": {"levels": matrix}})
    lk = [[l] for l in range(1, 6) for _ in range(1, 6)]
    im = [[i] for _ in range(1, 6) for i in range(1, 6)]
    want = [[scoring.risk_level(l[0], i[0], m)] for l, i in zip(lk, im)]
    assert ICX_LEVEL(lk, im, matrix) == want
    # as the manual prints it: 极高 likelihood on top, and as names with a header row/column
    printed = [row[:] for row in reversed(matrix)]
    assert ICX_LEVEL(lk, im, printed) == want
    names = {1: "一级", 2: "二级", 3: "三级"}
    with_headers = [["", "极低", "较低", "中等", "较高", "极高"]] + [
        [band] + [names[v] for v in row] for band, row in zip(("极高", "较高", "中等", "较低", "极低"), printed)
    ]
    assert ICX_LEVEL(lk, im, with_headers) == want


def test_a_broken_matrix_answers_in_one_cell() -> None:
    not_monotone = [[3, 1, 3, 1, 3]] + [[3] * 5] * 4  # no orientation of it is monotone
    answer = ICX_LEVEL([[1], [2]], [[1], [2]], not_monotone)
    assert len(answer) == 1 and answer[0][0].startswith(ZH_ERROR) and "风险评估方法设置无效" in answer[0][0]
    assert ICX_LEVEL([[1]], [[1]], [[1, 2], [3, 1]])[0][0].startswith(ZH_ERROR + "等级矩阵须为5×5")


def test_level_labels() -> None:
    answer = ICX_LEVEL_LABEL([[1, "2", 3, "一级", None, 4, 1.5]])
    assert answer[0][:5] == ["一级", "二级", "三级", "一级", ""]
    assert answer[0][5].startswith(ZH_ERROR) and answer[0][6].startswith(ZH_ERROR)
    assert ICX_LEVEL_LABEL([[1, 3]], "en") == [["Level 1", "Level 3"]]


def test_rank_equals_the_core() -> None:
    ids = [["YS-01"], ["ys-02"], ["CG-01"], ["SZ-03"], ["HT-01"], ["ZC-01"]]
    scores = [[12], [20], [12], [12], [None], [4.5]]
    levels = [[2], [1], ["二级"], [1], [None], [3]]
    answer = ICX_RANK(ids, scores, levels)
    rows = [0, 1, 2, 3, 5]
    level_numbers = {"二级": 2}
    want = scoring.rank(
        [ids[r][0] for r in rows],
        [scores[r][0] for r in rows],
        [level_numbers.get(levels[r][0], levels[r][0]) for r in rows],
    )
    assert [answer[r][0] for r in rows] == want
    assert answer[4] == [""]


def test_shape_mismatch_is_one_readable_cell() -> None:
    answer = ICX_SCORE([[1, 2]], [[1], [2]])
    assert answer == [[ZH_ERROR + "区域大小不一致：1×2 与 2×1（行×列）须相同，或其一为单个单元格"]]
    # a single cell broadcasts against a range
    assert ICX_SCORE([[2], [3]], [[4]]) == [[8.0], [12.0]]


def test_an_unexpected_failure_answers_with_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(udfs.vec, "likelihood", boom)
    answer = ICX_LIKELIHOOD([[1]], "en")
    assert answer == [["Error: icx internal error: RuntimeError: disk on fire"]]


# --- property: any grid of cell-like values equals the scalar core cell by cell ---------------
CELL = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            " ",
            "极低",
            "较低",
            "中等",
            "较高",
            "极高",
            "很可能",
            "不太可能",
            "abc",
            "高高",
            "35%",
            "100%",
            "120%",
            "３",
            "2.5",
            "¥12,000",
            "1.2万",
            "重大",
            "轻度影响",
            "-1",
        ]
    ),
    st.integers(min_value=-2, max_value=8),
    st.floats(min_value=-1, max_value=6, allow_nan=False),
)
GRID = st.integers(1, 6).flatmap(lambda w: st.lists(st.lists(CELL, min_size=w, max_size=w), min_size=1, max_size=8))


@settings(max_examples=60, deadline=None)
@given(GRID)
def test_property_likelihood_and_impact_equal_the_scalar_core(grid: list[list[Any]]) -> None:
    def same_or_both_errors(actual: list[list[Any]], fn: Callable[[Any], Any]) -> None:
        for row, got_row in zip(grid, actual):
            for value, got in zip(row, got_row):
                want = expected_cell(fn, value)
                if isinstance(want, Refused):
                    assert isinstance(got, str) and got.startswith(ZH_ERROR), (value, got)
                elif want == "":
                    assert got == "", (value, got)
                else:
                    assert got == pytest.approx(want), (value, got)

    same_or_both_errors(ICX_LIKELIHOOD(grid), scoring.likelihood)
    same_or_both_errors(ICX_IMPACT(grid), scoring.impact)
    same_or_both_errors(ICX_BAND(grid), scoring.band)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 5), st.floats(1, 5)), min_size=1, max_size=40))
def test_property_score_and_level_equal_the_scalar_core(pairs: list[tuple[float, float]]) -> None:
    lk = [[l] for l, _ in pairs]
    im = [[i] for _, i in pairs]
    assert ICX_SCORE(lk, im) == [[pytest.approx(scoring.risk_score(l, i))] for l, i in pairs]
    assert ICX_LEVEL(lk, im) == [[scoring.risk_level(l, i)] for l, i in pairs]


# --- incompatible duties and self-evaluation ------------------------------------------------------
def test_conflict_lists_the_pairs_the_core_finds_for_each_row() -> None:
    from conflicts.frames import check_tables, frame

    holdings = [
        ["预算编制、预算审批", None, None],
        ["出纳", "会计记账", None],
        ["采购需求制定", None, None],
        [None, None, None],
        ["支出申请", "支出审批", "付款执行"],
    ]
    answer = ICX_CONFLICT(holdings)
    assert len(answer) == len(holdings) and all(len(r) == 1 for r in answer)
    rows = [{"post": f"岗位{r}", "duty": d} for r, row in enumerate(holdings) for d in row if d]
    people = [{"person": f"人员{r}", "post": f"岗位{r}"} for r in range(len(holdings))]
    report = check_tables(frame(rows), frame(people))
    for r, got in enumerate(answer):
        rules = sorted({c.rule_id for c in report.conflicts if c.kind == "post" and c.posts == (f"岗位{r}",)})
        assert sorted(re.findall(r"（([^）]+)）", got[0])) == rules, (r, got)
    assert answer[2] == [""] and answer[3] == [""]
    assert "预算编制与预算审批不相容" in answer[0][0]


def test_conflict_with_marks_under_duty_headers() -> None:
    headers = [["预算编制", "预算审批", "预算执行"]]
    marks = [["√", "是", None], [1, None, "✓"], ["×", "否", 0], ["√", "?", None]]
    answer = ICX_CONFLICT(marks, headers)
    assert "预算编制与预算审批不相容" in answer[0][0]
    assert answer[1] == [""] and answer[2] == [""]
    assert answer[3][0].startswith(ZH_ERROR) and "?" in answer[3][0]
    assert ICX_CONFLICT(marks, [["预算编制", "预算审批"]])[0][0].startswith(ZH_ERROR + "区域大小不一致")


def test_eval_score_equals_the_core_item_score() -> None:
    from icx.core.evaluation import default_config, item_score

    results = [["符合"], ["基本符合"], ["不符合"], ["不适用"], [None], ["好"], ["符合"], ["部分符合"]]
    weights = [[3], ["4"], [2], [5], [1], [2], [0], [6]]
    config = default_config()
    answer = ICX_EVAL_SCORE(results, weights)
    for (result,), (weight,), (got,) in zip(results, weights, answer):
        found = config.result(result) if result else None
        if result is None:
            assert got == ""
        elif found is None or float(weight) <= 0:
            assert isinstance(got, str) and got.startswith(ZH_ERROR)
        else:
            want = item_score(found.code, float(weight), config.partial_factor)
            assert got == ("" if want is None else want)
    assert ICX_EVAL_SCORE([["基本符合"], ["符合"]], [[4]], 0.75) == [[3.0], [4.0]]
    assert ICX_EVAL_SCORE([["基本符合"]], [[4]], 2)[0][0].startswith(ZH_ERROR)


def test_level_reads_the_matrix_block_of_the_standard_settings_sheet() -> None:
    """The 参数设置 matrix as the template lays it out (headers, 极高 on top, level names)."""
    layout = pytest.importorskip("icx.templates.layout")
    from icx.io.specs import match_header
    from icx.templates.settings import write_settings

    strict = default_methodology().override(
        {"matrix": {"levels": [[3, 3, 2, 2, 1], [3, 2, 2, 1, 1], [2, 2, 1, 1, 1], [2, 1, 1, 1, 1], [1, 1, 1, 1, 1]]}}
    )
    book = layout.new_book("zh", strict)
    write_settings(book)
    ws = book.wb["参数设置"]
    corner = next(
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and match_header(c.value, "settings_matrix") == "corner"
    )
    block = [[ws.cell(row=corner.row + r, column=corner.column + c).value for c in range(6)] for r in range(6)]
    lk = [[l] for l in range(1, 6) for _ in range(1, 6)]
    im = [[i] for _ in range(1, 6) for i in range(1, 6)]
    assert ICX_LEVEL(lk, im, block) == [[scoring.risk_level(l[0], i[0], strict)] for l, i in zip(lk, im)]
