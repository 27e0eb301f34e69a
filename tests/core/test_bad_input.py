"""Bad values give typed errors saying what was given and what is accepted; columns report
every bad row, not only the first."""

from __future__ import annotations

import pandas as pd
import pytest

from icx.core import scoring, vectorized
from icx.core.errors import InvalidValue, InvalidValues


@pytest.mark.parametrize(
    ("function", "value", "needle_zh", "needle_en"),
    [
        (scoring.likelihood, 7, "可能性为“7”", "Likelihood is '7'"),
        (scoring.likelihood, "高高", "“高高”", "is '高高'"),
        (scoring.likelihood, -0.2, "“-0.2”", "below 1 a probability"),
        (scoring.likelihood_from_probability, "120%", "0–100%", "is '120%'"),
        (scoring.impact, 6, "损失金额", "is '6'"),
        (scoring.impact_from_amount, -100, "负数", "is '-100'"),
        (scoring.impact_from_amount, "¥-5", "不小于0", "is '¥-5'"),
        (scoring.impact_from_wording, "很严重吧", "措辞", "is '很严重吧'"),
        (scoring.risk_score, 0, "1–5", "is '0'"),
    ],
)
def test_scalar_errors_name_value_and_accepted(function, value, needle_zh, needle_en) -> None:
    with pytest.raises(InvalidValue) as caught:
        function(value) if function is not scoring.risk_score else function(value, 3)
    problem = caught.value.problem
    assert needle_zh in problem.message_zh + problem.fix_zh
    assert needle_en in problem.message_en + problem.fix_en
    assert problem.fix_zh and problem.fix_en  # every problem says how to fix it


@pytest.mark.parametrize("function", [scoring.likelihood, scoring.impact, scoring.likelihood_from_probability])
@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_blank_is_an_error(function, blank) -> None:
    with pytest.raises(InvalidValue) as caught:
        function(blank)
    assert caught.value.problem.code == "blank"
    assert caught.value.problem.message_en.endswith("must not be blank")
    assert caught.value.problem.fix_zh.startswith("填写")


def test_no_assessor_scores() -> None:
    with pytest.raises(InvalidValue) as caught:
        scoring.average([None, ""])
    assert caught.value.problem.code == "no_assessor_scores"


def test_vectorized_reports_every_bad_row_with_its_label() -> None:
    column = pd.Series([3, "高高", 4, 9, None, "likely", "-5%"], index=[10, 11, 12, 13, 14, 15, 16])
    checked = vectorized.likelihood(column)
    assert [p.row for p in checked.problems] == [11, 13, 14, 16]
    assert [p.code for p in checked.problems] == [
        "likelihood_invalid",
        "likelihood_invalid",
        "blank",
        "likelihood_invalid",
    ]
    assert checked.values.loc[[10, 12, 15]].tolist() == [3, 4, 4]
    assert checked.values.loc[[11, 13, 14, 16]].isna().all()
    with pytest.raises(InvalidValues) as caught:
        checked.unwrap()
    assert len(caught.value.problems) == 4


def test_vectorized_blank_skip_is_not_an_error() -> None:
    checked = vectorized.impact([None, "", 3], blank="skip")
    assert checked.ok
    assert checked.values.isna().tolist() == [True, True, False]


def test_negative_money_in_a_column() -> None:
    checked = vectorized.impact_from_amount([100, -1, "¥-3", "abc"])
    assert [p.row for p in checked.problems] == [1, 2, 3]
    assert all(p.code == "amount_invalid" for p in checked.problems)


def test_band_column_refuses_out_of_range_with_rows() -> None:
    with pytest.raises(InvalidValues) as caught:
        vectorized.band([1, 7, -1])
    assert [p.row for p in caught.value.problems] == [1, 2]


def test_booleans_are_not_scores() -> None:
    with pytest.raises(InvalidValue):
        scoring.likelihood(True)
    assert not vectorized.likelihood([True, 3]).ok
