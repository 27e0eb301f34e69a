"""The acceptance set in Python: every form the strategies (forms.py) draw as accepted is graded
by icx, the scalar and column readers agree on every drawn cell, refused forms say what to write
instead — in both languages. (tests/templates/test_formulas_libreoffice.py holds the template's
formulas to the same cells.)"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icx.core import scoring, vectorized
from icx.core.acceptance import rules
from icx.core.methodology import default_methodology
from icx.templates import build
from icx.templates.cell_formulas import VALIDATION_LIMIT, validation_formula

from .forms import accepted, cell, refused

M = default_methodology()
KINDS = ("likelihood", "impact", "amount")
COLUMN = {"likelihood": vectorized.likelihood, "impact": vectorized.impact, "amount": vectorized.impact_from_amount}


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_accepted_form_is_graded(kind: str, data) -> None:
    value = data.draw(accepted(kind, M))
    [reading] = scoring.parse_cells(kind, [value], M)
    assert reading.score is not None and 1 <= reading.score <= 5, (value, reading)


REFUSED_FOR_ALL = [
    "3分",
    "三",
    "3千元",
    "人民币800元",
    "$300",
    "5000元元",
    "元",
    "万元",
    "5万5",
    "+3",
    "-2",
    "1e3",
    True,
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", REFUSED_FOR_ALL)
def test_refused_forms_are_refused_with_a_code(kind: str, value: object) -> None:
    [reading] = scoring.parse_cells(kind, [value], M)
    assert reading.score is None and reading.code == f"{kind}_invalid"


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_scalar_and_column_readers_agree_on_every_drawn_cell(kind: str, data) -> None:
    values = data.draw(st.lists(st.one_of(cell(kind, M), refused(kind)), min_size=1, max_size=20))
    checked = COLUMN[kind](pd.Series(values, dtype=object), M, blank="skip")
    bad = {p.row: p for p in checked.problems}
    for i, reading in enumerate(scoring.parse_cells(kind, values, M)):
        got = checked.values.iloc[i]
        if reading.score is None:
            assert math.isnan(got), (values[i], got)
            assert (i in bad) == (reading.code is not None), values[i]
            if i in bad and not isinstance(values[i], str) or i in bad and values[i].strip():
                field = {"likelihood": "likelihood", "impact": "impact", "amount": "loss_amount"}[kind]
                with pytest.raises(ValueError) as caught:
                    scoring._score(kind, values[i], M, field)  # type: ignore[arg-type]
                assert bad[i].message_zh == caught.value.problem.message_zh  # type: ignore[attr-defined]
        else:
            assert got == reading.score, (values[i], got, reading)


@pytest.mark.parametrize(
    ("kind", "value", "zh", "en"),
    [
        ("likelihood", "3分", ("可能性为“3分”", "写成数字3"), ("Likelihood is '3分'", "write the number 3")),
        ("impact", "三", ("影响程度为“三”", "写成3"), ("Impact is '三'", "write 3")),
        ("impact", 5000, ("影响程度为“5000”", "写成“5000元”", "预计损失金额"), ("Impact is '5000'", "'5000元'")),
        ("impact", "3千元", ("只认“万”“亿”“元”", "写成3000元"), ("only 万, 亿 and 元", "write 3000元")),
        ("amount", "3千元", ("预计损失金额为“3千元”", "写成3000元"), ("Expected loss is '3千元'", "write 3000元")),
        ("likelihood", "1.2万元", ("只能用来评影响程度", "预计损失金额"), ("rates impact", "expected-loss column")),
        ("likelihood", "150%", ("概率不能超过100%", "0–100%"), ("cannot exceed 100%", "from 0 to 100%")),
        ("impact", "35%", ("百分比是发生的概率", "概率填入可能性"), ("a probability", "under likelihood")),
        ("likelihood", 6.0, ("可能性为“6”，超出范围",), ("Likelihood is '6', out of range",)),  # 6, not 6.0
    ],
)
def test_refusals_say_what_to_write_in_both_languages(kind: str, value: object, zh: tuple, en: tuple) -> None:
    field = {"likelihood": "likelihood", "impact": "impact", "amount": "loss_amount"}[kind]
    with pytest.raises(ValueError) as caught:
        scoring._score(kind, value, M, field)  # type: ignore[arg-type]
    problem = caught.value.problem  # type: ignore[attr-defined]
    assert problem.fix_zh and problem.fix_en
    for needle in zh:
        assert needle in problem.message_zh + "｜" + problem.fix_zh, (needle, problem.message_zh, problem.fix_zh)
    for needle in en:
        assert needle in problem.message_en + "|" + problem.fix_en, (needle, problem.message_en, problem.fix_en)


def test_the_assessor_column_is_named_by_its_meaning() -> None:
    [reading] = scoring.parse_cells("impact", ["很严重吧"], M)
    from icx.core.errors import Problem

    p = Problem.of(reading.code, message=reading.message, params=reading.params, given="很严重吧", field="impact_3")
    assert p.message_zh.startswith("影响程度 · 评估人3为“很严重吧”")
    assert p.message_en.startswith("Impact · assessor 3 is '很严重吧'")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_validation_formula_fits_excels_limit(lang: str) -> None:
    built = build("unit", lang)  # type: ignore[arg-type]
    formulas = [dv.formula1 or "" for ws in built.wb.worksheets for dv in ws.data_validations.dataValidation]
    assert len(formulas) > 20
    assert max(len(f) for f in formulas) <= VALIDATION_LIMIT
    assert len(validation_formula("impact", "L5")) - 1 <= VALIDATION_LIMIT


def test_the_acceptance_data_names_what_the_formulas_use() -> None:
    money = rules()["money"]
    assert set(money["typed_multipliers"]) <= set(money["multipliers"])
    assert rules()["number"]["digits"] == "0123456789"
