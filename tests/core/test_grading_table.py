"""Table-driven checks of the default methodology against the spec (methodology.md §1–§4)."""

from __future__ import annotations

import pytest

from icx.core import scoring, vectorized
from icx.core.errors import InvalidValue

# Spec table 3, written as in the spec: rows likelihood 极高→极低, columns impact 极低→极高.
SPEC_MATRIX_TOP_DOWN = [
    ["二级", "二级", "一级", "一级", "一级"],
    ["三级", "二级", "二级", "一级", "一级"],
    ["三级", "三级", "二级", "二级", "一级"],
    ["三级", "三级", "三级", "二级", "二级"],
    ["三级", "三级", "三级", "三级", "二级"],
]
LEVEL_OF = {"一级": 1, "二级": 2, "三级": 3}
CELLS = [
    (likelihood, impact, LEVEL_OF[SPEC_MATRIX_TOP_DOWN[5 - likelihood][impact - 1]])
    for likelihood in range(1, 6)
    for impact in range(1, 6)
]


@pytest.mark.parametrize(("likelihood", "impact", "level"), CELLS)
def test_all_25_integer_cells(likelihood: int, impact: int, level: int) -> None:
    assert scoring.risk_level(likelihood, impact) == level
    assert scoring.risk_score(likelihood, impact) == likelihood * impact
    assert vectorized.risk_level([likelihood], [impact]).tolist() == [level]


def test_cell_count_and_level_totals() -> None:
    assert len(CELLS) == 25
    totals = {lv: sum(1 for *_, x in CELLS if x == lv) for lv in (1, 2, 3)}
    assert totals == {1: 6, 2: 9, 3: 10}


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, 1),
        (0.5, 1),
        (1, 1),
        (1.0001, 2),
        (2, 2),
        (2.0001, 3),
        (3, 3),
        (3.5, 4),
        (4, 4),
        (4.0001, 5),
        (5, 5),
        (2.0000000000000004, 2),
    ],  # float noise from averaging never moves a band
)
def test_band_edges(value: float, band: int) -> None:
    assert scoring.band(value) == band
    assert vectorized.band([value]).tolist() == [band]


@pytest.mark.parametrize("value", [-0.1, 5.0001, 6, "x", None])
def test_band_refuses_outside_0_to_5(value: object) -> None:
    with pytest.raises(InvalidValue):
        scoring.band(value)


@pytest.mark.parametrize(
    ("probability", "score"),
    [
        (0, 1),
        (0.0999, 1),
        (0.10, 2),
        ("10%", 2),
        (0.2999, 2),
        (0.30, 3),
        ("30%", 3),
        (0.6999, 3),
        (0.70, 4),
        ("70%", 4),
        (0.8999, 4),
        (0.90, 5),
        ("90%", 5),
        (1, 5),
        ("100%", 5),
        ("35%", 3),
        ("３５％", 3),
        (" 35 % ", 3),
    ],
)
def test_probability_edges_are_lower_inclusive(probability: object, score: int) -> None:
    assert scoring.likelihood_from_probability(probability) == score
    assert vectorized.likelihood_from_probability([probability]).unwrap().tolist() == [score]


@pytest.mark.parametrize(
    ("amount", "score"),
    [
        (0, 1),
        (99.99, 1),
        (100, 2),
        ("¥100", 2),
        (1999, 2),
        (2000, 3),
        ("¥2,000", 3),
        (9999.99, 3),
        (10000, 4),
        ("¥10,000", 4),
        ("1万", 4),
        (999999, 4),
        (1_000_000, 5),
        ("¥1,000,000", 5),
        ("100万元", 5),
        ("¥12,000", 4),
        ("1.2万", 4),
        ("3万元", 4),
        ("￥１，５００", 2),
        ("0.5万", 3),
        ("0.5亿", 5),
        ("800元", 2),
        ("１ ２００ 元", 2),
    ],
)
def test_money_edges_are_lower_inclusive(amount: object, score: int) -> None:
    assert scoring.impact_from_amount(amount) == score
    assert vectorized.impact_from_amount([amount]).unwrap().tolist() == [score]


LIKELIHOOD_WORDINGS = [
    ("极低", 1),
    ("较低", 2),
    ("中等", 3),
    ("较高", 4),
    ("极高", 5),
    ("不太可能", 2),
    ("可能", 3),
    ("很可能", 5),
    ("very low", 1),
    ("Low", 2),
    ("medium", 3),
    ("likely", 4),
    ("HIGH", 4),
    ("almost certain", 5),
    ("rare", 1),
    ("一般情况下不会发生", 1),
    ("经常发生", 5),
    (" 较 高 ", 4),
    ("ｌｉｋｅｌｙ", 4),
]


@pytest.mark.parametrize(("word", "score"), LIKELIHOOD_WORDINGS)
def test_likelihood_wordings(word: str, score: int) -> None:
    assert scoring.likelihood_from_wording(word) == score
    assert scoring.likelihood(word) == score
    assert vectorized.likelihood([word]).unwrap().tolist() == [score]


IMPACT_WORDINGS = [
    ("极低", 1),
    ("较低", 2),
    ("中等", 3),
    ("较高", 4),
    ("极高", 5),
    ("不重要", 2),
    ("次重要", 3),
    ("重大", 5),
    ("负面消息未使单位声誉受损", 1),
    ("轻微受损", 2),
    ("中等受损", 3),
    ("重大受损", 4),
    ("灾难性受损", 5),
    ("不会影响", 1),
    ("轻度影响", 2),
    ("中度影响", 3),
    ("重大影响", 4),
    ("灾难性影响", 5),
    ("minor", 2),
    ("major", 4),
    ("catastrophic", 5),
]


@pytest.mark.parametrize(("word", "score"), IMPACT_WORDINGS)
def test_impact_wordings(word: str, score: int) -> None:
    assert scoring.impact_from_wording(word) == score
    assert scoring.impact(word) == score
    assert vectorized.impact([word]).unwrap().tolist() == [score]


def test_generic_likelihood_reads_scores_probabilities_and_words() -> None:
    given = [3, "4", 4.5, 0.35, "35%", "很可能", "１"]
    expected = [3, 4, 4.5, 3, 3, 5, 1]
    assert [scoring.likelihood(v) for v in given] == expected
    assert vectorized.likelihood(given).unwrap().tolist() == expected


def test_generic_impact_reads_scores_money_and_words() -> None:
    given = [2, "¥12,000", "1.2万", "3万元", "重大受损", 4.2]
    expected = [2, 4, 4, 4, 4, 4.2]
    assert [scoring.impact(v) for v in given] == expected
    assert vectorized.impact(given).unwrap().tolist() == expected


def test_worst_dimension_wins() -> None:
    assert scoring.impact_worst(amount="¥500", reputation="重大受损", operations="轻度影响") == 4
    assert scoring.impact_worst(amount=2_000_000, reputation="轻微受损") == 5
    worst = vectorized.impact_worst(
        amount=[500, None, 20000], reputation=["重大受损", "轻微受损", None], operations=[None, "中度影响", None]
    )
    assert worst.unwrap().tolist() == [4, 3, 4]


def test_assessor_average_is_fractional() -> None:
    assert scoring.average([3, 4, 4, 3, 3]) == pytest.approx(3.4)
    assert scoring.average([3, None, "", 4]) == 3.5
    assert vectorized.average([[3, 4, 4, 3, 3], [2, None, None, None, 5]]).unwrap().round(9).tolist() == [3.4, 3.5]


def test_fractional_averages_band_and_level() -> None:
    # 3.4 is band 4 (较高), 2.2 is band 3 (中等): matrix row 较高, column 中等 → 二级
    assert scoring.risk_level(3.4, 2.2) == 2
    assert scoring.risk_score(3.4, 2.2) == 7.48
    assert scoring.risk_level(4.2, 2.6) == 1


def test_level_labels() -> None:
    assert [scoring.level_label(n) for n in (1, 2, 3)] == ["一级", "二级", "三级"]
    assert scoring.level_label(2, "en") == "Level 2"
    assert vectorized.level_label([3, 1], "en").tolist() == ["Level 3", "Level 1"]
