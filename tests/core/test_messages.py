"""Messages that say how to fix: every problem message has a 怎么改 / how-to-fix text; problems are
listed by sheet, row, column; a problem repeated down one column is said once (G5:G77，共73处);
values are shown as typed; a message names the column's meaning — in both languages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from icx import i18n
from icx.core.errors import Problem, field_meaning, show_value
from icx.core.problem_list import cells_at, grouped, ordered, place

SOURCE = Path(__file__).resolve().parents[2] / "icx"
# Every way the code names the catalogue message of a problem.
PATTERNS = [
    r'Problem\.of\(\s*"([a-z_0-9]+)"',
    r'message="([a-z_0-9]+)"',
    r'_problem\(\s*"([a-z_0-9]+)"',
    r'problem\(\s*"([a-z_0-9]+)"',
    r'\breport\(\s*"([a-z_0-9]+)"',
    r'Reading\(None, [^)]*?"([a-z_0-9]+)"',
    r'_fail\(\s*"([a-z_0-9]+)"',
]
DYNAMIC = [f"{kind}_{what}" for kind in ("likelihood", "impact", "amount") for what in ("invalid", "out_of_range")]


def problem_messages() -> set[str]:
    messages = i18n.section("messages")
    keys = set(DYNAMIC) - {"amount_out_of_range"}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            keys |= set(re.findall(pattern, text, re.S))
    return {k for k in keys if k in messages}


def test_every_problem_message_says_how_to_fix_it_in_both_languages() -> None:
    messages = i18n.section("messages")
    keys = problem_messages()
    assert len(keys) > 120
    missing = sorted(k for k in keys if not (messages[k].get("fix_zh") and messages[k].get("fix_en")))
    assert not missing, missing
    placeholders = lambda s: set(re.findall(r"\{(\w+)\}", s))  # noqa: E731
    for key in keys:
        m = messages[key]
        assert placeholders(m["fix_zh"]) == placeholders(m["fix_en"]), key
        assert re.search(r"[\u4e00-\u9fff]", m["fix_zh"]), key


def _blank_result(row: int, column: str = "G") -> Problem:
    return Problem.of("evaluation_result_blank", sheet="自我评价", cell=f"{column}{row}", row=row, field="result")


def test_a_problem_repeated_down_a_column_is_said_once() -> None:
    """Issue 16: 73 identical 评价结果未填写 lines → one line, G5:G77，共73处."""
    problems = [_blank_result(r) for r in range(5, 78)]
    (line,) = grouped(problems)
    assert line.count == 73 and line.cell == "G5:G77"
    assert place(line, "zh") == "自我评价!G5:G77，共73处"
    assert place(line, "en") == "自我评价!G5:G77 (73 cells)"
    assert "评价结果未填写" in line.message_zh and line.fix_zh and line.fix_en


def test_gaps_make_several_ranges_and_different_messages_stay_apart() -> None:
    problems = [_blank_result(r) for r in (5, 6, 7, 12, 20, 21)]
    problems.append(Problem.of("likelihood_invalid", given="三", sheet="自我评价", cell="G8", field="likelihood_1"))
    lines = grouped(problems)
    assert [p.cell for p in lines] == ["G5:G7 G12 G20:G21", "G8"]
    assert place(lines[0], "zh") == "自我评价!G5:G7、G12、G20:G21，共6处"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cells_of_a_grouped_line_are_read_back(lang: str) -> None:
    """The ribbon's 数据校验 clears the colours of the cells an earlier 问题清单 named, grouped ones too."""
    problems = [_blank_result(r) for r in (5, 6, 7, 12, 20, 21)]
    (line,) = grouped(problems)
    shown = place(line.model_copy(update={"location": line.location.model_copy(update={"sheet": None})}), lang)
    assert cells_at(shown) == [f"G{r}" for r in (5, 6, 7, 12, 20, 21)]
    assert cells_at("G5") == ["G5"]
    assert cells_at("row 5") == cells_at("G5:H7") == cells_at("自我评价!G5") == []


def test_problems_are_listed_by_sheet_then_row_then_column() -> None:
    def p(sheet: str, cell: str) -> Problem:
        return Problem.of("blank", sheet=sheet, cell=cell, field="id")

    problems = [
        p("风险清单", "L12"),
        p("风险清单", "G12"),
        p("参数设置", "B3"),
        p("风险清单", "AA5"),
        p("风险清单", "H7"),
    ]
    assert [(x.sheet, x.cell) for x in ordered(problems)] == [
        ("风险清单", "AA5"),
        ("风险清单", "H7"),
        ("风险清单", "G12"),
        ("风险清单", "L12"),
        ("参数设置", "B3"),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(6.0, "6"), (6, "6"), (3.5, "3.5"), (0.1 + 0.2, "0.3"), (True, "TRUE"), (dt.date(2026, 3, 31), "2026-03-31")],
)
def test_values_are_shown_as_typed(value: object, shown: str) -> None:
    assert show_value(value) == shown
    problem = Problem.of("likelihood_invalid", given=value, field="likelihood_2")
    assert f"“{shown}”" in problem.message_zh and f"'{shown}'" in problem.message_en


def test_messages_name_the_columns_meaning() -> None:
    assert (field_meaning("impact_3").zh, field_meaning("impact_3").en) == ("影响程度 · 评估人3", "Impact · assessor 3")
    p = Problem.of("no_assessor_scores", params={"column": field_meaning("impact")}, cell="L12", field="impact_1")
    assert p.message_zh == "影响程度没有任何评估人打分" and p.message_en == "no assessor rated Impact"
    assert "影响程度" in p.fix_zh


def test_render_says_how_to_fix() -> None:
    p = Problem.of(
        "likelihood_invalid", message="score_numeral", params={"number": 3}, given="三", field="likelihood_1"
    )
    assert p.render("zh").endswith("（怎么改：写成3）")
    assert p.render("en").endswith("(to fix: write 3)")
