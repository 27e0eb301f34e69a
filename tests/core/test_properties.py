"""Property tests of the scoring engine (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core import scoring, vectorized
from icx.core.methodology import default_methodology

scores = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)
probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
amounts = st.floats(min_value=0.0, max_value=1e10, allow_nan=False)
ids = st.text(alphabet="ABCabc-_0123456789风险", min_size=1, max_size=6)


@given(scores, scores, scores, scores)
def test_level_is_monotonic(l1: float, i1: float, dl: float, di: float) -> None:
    # Raising likelihood or impact never gives a less severe (higher-numbered) level.
    l2, i2 = min(5.0, l1 + dl - 1), min(5.0, i1 + di - 1)
    assert scoring.risk_level(l2, i2) <= scoring.risk_level(l1, i1)


@given(scores, scores)
def test_score_is_between_1_and_25(likelihood: float, impact: float) -> None:
    score = scoring.risk_score(likelihood, impact)
    assert 1.0 <= score <= 25.0
    assert math.isclose(score, likelihood * impact, abs_tol=1e-6)


@given(st.lists(st.tuples(scores, scores), min_size=1, max_size=40))
def test_vectorized_score_and_level_equal_scalar(pairs: list[tuple[float, float]]) -> None:
    lk = [p[0] for p in pairs]
    im = [p[1] for p in pairs]
    assert vectorized.risk_score(lk, im).tolist() == [scoring.risk_score(a, b) for a, b in pairs]
    assert vectorized.risk_level(lk, im).tolist() == [scoring.risk_level(a, b) for a, b in pairs]
    assert vectorized.band(lk).tolist() == [scoring.band(a) for a in lk]


@given(st.lists(probabilities, min_size=1, max_size=30))
def test_vectorized_probability_equals_scalar(values: list[float]) -> None:
    assert vectorized.likelihood_from_probability(values).unwrap().tolist() == [
        scoring.likelihood_from_probability(v) for v in values
    ]


@given(st.lists(amounts, min_size=1, max_size=30))
def test_vectorized_amount_equals_scalar(values: list[float]) -> None:
    assert vectorized.impact_from_amount(values).unwrap().tolist() == [scoring.impact_from_amount(v) for v in values]


cell_values = st.one_of(
    st.integers(min_value=-2, max_value=8),
    st.floats(min_value=-1, max_value=6, allow_nan=False),
    st.sampled_from(["35%", "很可能", "likely", "高高", "", "  ", "¥12,000", "1.2万", "重大受损", "3", "4.5", "１"]),
    st.none(),
)


@given(st.lists(cell_values, min_size=1, max_size=30))
def test_vectorized_generic_parsers_equal_scalar_on_any_cell(values: list[object]) -> None:
    for vec_fn, scalar_fn in ((vectorized.likelihood, scoring.likelihood), (vectorized.impact, scoring.impact)):
        checked = vec_fn(values)
        bad_rows = {p.row for p in checked.problems}
        for i, value in enumerate(values):
            try:
                expected = scalar_fn(value)
            except ValueError:
                assert i in bad_rows
                assert np.isnan(checked.values.iloc[i])
            else:
                assert i not in bad_rows
                assert checked.values.iloc[i] == expected


@given(
    st.lists(
        st.tuples(ids, st.sampled_from([1.0, 2.5, 4.0, 9.0, 12.0, 25.0]), st.integers(1, 3)), min_size=1, max_size=30
    )
)
def test_vectorized_rank_equals_scalar(rows: list[tuple[str, float, int]]) -> None:
    risk_ids, risk_scores, levels = zip(*rows)
    assert vectorized.rank(list(risk_ids), list(risk_scores), list(levels)).tolist() == scoring.rank(
        risk_ids, risk_scores, levels
    )


@given(st.lists(st.tuples(ids, st.sampled_from([1.0, 4.0, 9.0]), st.integers(1, 3)), min_size=2, max_size=20))
def test_rank_orders_by_score_then_level_then_id(rows: list[tuple[str, float, int]]) -> None:
    risk_ids, risk_scores, levels = zip(*rows)
    ranks = scoring.rank(risk_ids, risk_scores, levels)
    for a in range(len(rows)):
        for b in range(len(rows)):
            key_a = (-risk_scores[a], levels[a], scoring.id_sort_key(risk_ids[a]))
            key_b = (-risk_scores[b], levels[b], scoring.id_sort_key(risk_ids[b]))
            if key_a < key_b:
                assert ranks[a] < ranks[b]
            elif key_a == key_b:
                assert ranks[a] == ranks[b]


@settings(max_examples=50)
@given(st.lists(st.lists(st.one_of(scores, st.none()), min_size=5, max_size=5), min_size=1, max_size=20))
def test_vectorized_average_equals_scalar(table: list[list[float | None]]) -> None:
    checked = vectorized.average(pd.DataFrame(table))
    for i, row in enumerate(table):
        if all(v is None for v in row):
            assert any(p.row == i for p in checked.problems)
        else:
            assert math.isclose(checked.values.iloc[i], scoring.average(row), rel_tol=1e-12)


def test_default_matrix_has_only_levels_1_to_3() -> None:
    flat = default_methodology().matrix_flat
    assert len(flat) == 25 and set(flat) <= {1, 2, 3}


@settings(max_examples=40)
@given(st.lists(cell_values, min_size=1, max_size=8), st.integers(min_value=70, max_value=300), st.randoms())
def test_long_repetitive_columns_parse_like_scalars(palette: list[object], length: int, rnd) -> None:
    # Long columns of few distinct values take the parse-distinct-values path.
    values = [rnd.choice(palette) for _ in range(length)]
    index = [f"r{i}" for i in range(length)]
    for vec_fn, scalar_fn in ((vectorized.likelihood, scoring.likelihood), (vectorized.impact, scoring.impact)):
        checked = vec_fn(pd.Series(values, index=index, dtype=object))
        expected_bad = []
        for i, value in enumerate(values):
            try:
                assert checked.values.iloc[i] == scalar_fn(value)
            except ValueError:
                expected_bad.append(index[i])
                assert np.isnan(checked.values.iloc[i])
        assert [p.row for p in checked.problems] == expected_bad
        assert all(
            p.given is values[index.index(p.row)] or p.given == values[index.index(p.row)] for p in checked.problems
        )


any_cell = st.one_of(
    cell_values,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from(
        [
            "150%",
            "-5%",
            "0.35",
            "¥-3",
            "3万元",
            "人民币5千",
            "重大",
            "极低",
            "Likely",
            "很 可 能",
            "abc",
            "1e3",
            "５０%",
            " 2 ",
            "\t",
            "0",
            "¥",
            "万",
        ]
    ),
    st.text(max_size=6),
)


@settings(max_examples=300)
@given(st.lists(any_cell, min_size=1, max_size=40))
def test_cached_cell_parser_equals_the_column_functions(values: list[object]) -> None:
    """scoring.parse_cells (scalar, cached per distinct cell: what the register reader uses) gives
    the column functions' value and problem code for every cell, bad or blank ones included."""
    for kind, column_fn in (
        ("likelihood", vectorized.likelihood),
        ("impact", vectorized.impact),
        ("amount", vectorized.impact_from_amount),
    ):
        checked = column_fn(pd.Series(values, dtype=object), blank="skip")
        codes = {p.row: p.code for p in checked.problems}
        for _ in range(2):  # the second pass is answered from the per-process table
            parsed = scoring.parse_cells(kind, values)
            for i, reading in enumerate(parsed):
                expected = checked.values.iloc[i]
                value = math.nan if reading.score is None else reading.score
                assert reading.code == codes.get(i), (kind, values[i])
                assert (math.isnan(value) and math.isnan(expected)) or value == expected, (kind, values[i])
