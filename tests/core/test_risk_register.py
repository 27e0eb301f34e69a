"""Risk model and register: averaging assessors, ranking, counts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from icx.core.risk import Assessment, Risk, RiskRegister, score_frame


def risk(risk_id: str, area: str, lk: float, im: float) -> Risk:
    return Risk(id=risk_id, area=area, likelihood=lk, impact=im)


def test_likelihood_and_impact_default_to_assessor_means() -> None:
    r = Risk(
        id="YS-01",
        area="budget",
        assessments=(Assessment(likelihood=3, impact=4), Assessment(likelihood=4, impact=4), Assessment(likelihood=4)),
    )
    assert r.likelihood == pytest.approx(11 / 3)
    assert r.impact == 4
    scored = r.scored()
    assert scored.score == pytest.approx(14.666667)
    assert scored.level == 1  # band 4 × band 4


def test_out_of_range_scores_are_refused() -> None:
    with pytest.raises(ValidationError):
        Risk(id="x", area="budget", likelihood=6, impact=1)
    with pytest.raises(ValidationError):
        Assessment(likelihood=0)


def test_ranking_is_score_then_level_then_id_and_stable() -> None:
    register = RiskRegister.build(
        [
            risk("B-2", "budget", 2, 2),  # 4, level 3
            risk("A-9", "budget", 4, 5),  # 20, level 1
            risk("a-1", "assets", 2, 2),  # 4, level 3 — id sorts before B-2 (case-insensitive)
            risk("C-1", "contracts", 5, 4),  # 20, level 1 — same score and level as A-9, id after
            risk("D-1", "procurement", 1.25, 3.2),  # 4, level 2 (bands 2×4) — same score, more severe
        ]
    )
    ranked = register.ranked()
    assert ranked["id"].tolist() == ["A-9", "C-1", "D-1", "a-1", "B-2"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5]


def test_ties_share_a_rank() -> None:
    register = RiskRegister.build([risk("X", "budget", 3, 3), risk("X", "assets", 3, 3), risk("Y", "budget", 1, 1)])
    assert register.ranked()["rank"].tolist() == [1, 1, 3]


def test_counts_by_level_and_area() -> None:
    register = RiskRegister.build(
        [
            risk("1", "budget", 5, 5),
            risk("2", "budget", 1, 1),
            risk("3", "assets", 3, 3),
            risk("4", "assets", 4, 5),
            Risk(id="5", area="assets"),  # not assessed: not counted
        ]
    )
    assert register.counts_by_level() == {1: 2, 2: 1, 3: 1}
    table = register.counts_by_area()
    assert table.loc["budget"].tolist() == [1, 0, 1, 2]
    assert table.loc["assets"].tolist() == [1, 1, 0, 2]
    assert table.loc["contracts", "total"] == 0


def test_score_frame_vectorized() -> None:
    frame = score_frame([3.4, 1, 5], [2.2, 1, 5], ["a", "b", "c"])
    assert frame["score"].tolist() == [7.48, 1.0, 25.0]
    assert frame["level"].tolist() == [2, 3, 1]
    assert frame["rank"].tolist() == [2, 3, 1]


def test_residual_score() -> None:
    r = Risk(id="x", area="budget", residual_likelihood=2, residual_impact=2.5)
    assert r.residual_score == 5.0
