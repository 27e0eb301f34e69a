"""Unit codes and ids compare the same however they were typed."""

from hypothesis import given
from hypothesis import strategies as st

from icx.core.codes import clean_code, code_key


def test_full_width_zero_width_and_case_give_one_key() -> None:
    assert code_key("ＦＢ００３") == code_key("FB003") == code_key("fb003") == "fb003"
    assert code_key("FB\u200b003") == "fb003"
    assert code_key(" FB003\t") == "fb003"
    assert code_key("\u202eFB003") == "fb003"  # a right-to-left override pasted in


def test_clean_code_keeps_case_and_numbers_read_as_floats() -> None:
    assert clean_code("ＦＢ００３") == "FB003"
    assert clean_code(1001.0) == "1001"
    assert clean_code(None) == ""


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=12))
def test_key_is_idempotent_and_ignores_invisible_characters(code: str) -> None:
    key = code_key(code)
    assert code_key(key) == key
    assert code_key("\u200b" + code + "\u200d\x01") == key


def test_a_message_about_a_blank_cell_names_it_as_blank() -> None:
    from icx.core.errors import Problem

    problem = Problem.of("evaluation_weight_invalid", given=None, row=5, field="weight")
    assert "{given}" not in problem.message_zh and problem.given is None
