"""Hypothesis strategies for what a person types into a score, probability or loss-amount cell,
built from the acceptance set (icx/data/acceptance.toml): every accepted form, and a sample of
refused ones (each refusal hint, out-of-range numbers, other units, stray characters).

``draw_rows`` draws whole register rows from them, deterministically, for the LibreOffice
agreement test (one soffice call for all of them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from icx.core.acceptance import FULLWIDTH_FIRST, rules, whitespace
from icx.core.methodology import Methodology
from icx.templates.settings import wordings

from .fill import AREAS, risk

# White space people paste along with a value (kept rare). No tab: LibreOffice imports a tab
# inside a cell's text as U+0001, so the cell it grades is not the one written (icx reads the tab).
SPACES = st.sampled_from(["", "", "", " ", "　", "\u00a0", "\n", "\u2003"])


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) - 0x21 + FULLWIDTH_FIRST) if "!" <= ch <= "~" else ch for ch in text)


@st.composite
def _styled(draw, text: str) -> str:
    """``text`` as people type it: sometimes full-width, sometimes with spaces around or inside."""
    if draw(st.integers(0, 4)) == 0:
        text = _fullwidth(text)
    if len(text) > 1 and draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(1, len(text) - 1))
        text = text[:at] + draw(SPACES) + text[at:]
    return draw(SPACES) + text + draw(SPACES)


def decimal_text(low: float, high: float, places: int = 4) -> st.SearchStrategy[str]:
    """A plain decimal as text ("3", "3.5", ".5", "3.") within [low, high]."""

    def show(x: float) -> st.SearchStrategy[str]:
        text = f"{x:.{places}f}".rstrip("0")
        forms = [text.rstrip(".") or "0", text if text.endswith(".") else text]
        if text.startswith("0.") and len(text) > 2:
            forms.append(text[1:])  # ".5"
        return st.sampled_from(forms)

    return st.floats(low, high, allow_nan=False).map(lambda x: round(x, places)).flatmap(show)


def money_text(low: float = 0, high: float = 5e6, marked: bool = True) -> st.SearchStrategy[str]:
    """[¥|￥] number [万|亿] [元] with commas sometimes, at least one mark when ``marked``."""
    money = rules()["money"]

    @st.composite
    def build(draw) -> str:
        mult = draw(st.sampled_from(["", "", *money["multipliers"]]))
        times = money["multipliers"].get(mult, 1)
        number = draw(decimal_text(low / times, high / times, places=2))
        if "." not in number and len(number) > 3 and draw(st.booleans()):
            number = f"{int(number):,}"
        yen = draw(st.sampled_from(["", money["prefix"], "￥"]))
        yuan = draw(st.sampled_from(["", money["suffix"]]))
        if marked and not (yen or mult or yuan):
            yuan = money["suffix"]
        return yen + number + mult + yuan

    return build().flatmap(_styled)


def score_number(low: float = 0, high: float = 5) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(max(1, int(low)), int(high)), st.floats(low, high).map(lambda x: round(x, 6)))


def accepted(kind: str, m: Methodology) -> st.SearchStrategy[Any]:
    """Every form a ``kind`` cell ('likelihood', 'impact', 'amount') may take."""
    if kind == "amount":
        return st.one_of(
            st.integers(0, 5_000_000),
            st.floats(0, 5e6).map(lambda x: round(x, 2)),
            decimal_text(0, 5e6, places=2).flatmap(_styled),
            money_text(marked=False),
        )
    scale = m.likelihood if kind == "likelihood" else m.impact
    words = st.sampled_from([w for w, _ in wordings(scale)]).flatmap(_worded)
    low = 0 if kind == "likelihood" else 1
    forms = [score_number(low, 5), decimal_text(low, 5).flatmap(_styled), words]
    if kind == "likelihood":
        forms.append(decimal_text(0, 100, places=2).map(lambda t: t + "%").flatmap(_styled))
        forms.append(st.times().map(lambda t: t.replace(microsecond=0)))  # 12:00 typed: the number 0.5
    else:
        forms.append(money_text())
    return st.one_of(*forms)


@st.composite
def _worded(draw, word: str) -> str:
    """A wording with its case changed or spaces put in (both read as the same wording)."""
    if word.isascii() and draw(st.booleans()):
        word = draw(st.sampled_from([word.upper(), word.title(), word.lower()]))
    return draw(_styled(word))


def refused(kind: str) -> st.SearchStrategy[Any]:
    """A sample of what icx and the formulas both refuse (with the hint each gets)."""
    hints = rules()["hints"]
    numerals = list(hints["numerals"])
    common = [
        decimal_text(1, 5).map(lambda t: t + hints["score_units"][0]),  # 3分
        st.sampled_from(numerals),  # 三
        st.sampled_from(["高高", "很严重吧", "abc", "N/A", "-", "?", "较*", "3-4", "1e3", "+3", "-2", "3,5", "12:00"]),
        st.sampled_from(["3千元", "5k", "2w", "人民币800元", "$300", "5000元元", "元", "万元", "5万5"]),
        st.booleans(),
        st.text(alphabet="0123456789.,%¥元万亿分三 abc-", min_size=1, max_size=6),
    ]
    if kind != "amount":
        common.append(st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)))  # a date: a number far above 5
    if kind == "likelihood":
        common += [
            st.floats(5.000001, 1000).map(lambda x: round(x, 3)),
            st.floats(-100, -0.001).map(lambda x: round(x, 3)),
            decimal_text(100.01, 500, places=2).map(lambda t: t + "%"),
            money_text(),
        ]
    elif kind == "impact":
        common += [
            st.integers(6, 100_000),  # a bare number: needs 元 or the loss column
            st.floats(0, 0.999).map(lambda x: round(x, 3)),
            decimal_text(0, 100, places=1).map(lambda t: t + "%"),
        ]
    else:
        common += [st.integers(-10_000, -1), decimal_text(0, 100, places=1).map(lambda t: t + "%"), st.just("重大")]
    return st.one_of(*common)


def cell(kind: str, m: Methodology) -> st.SearchStrategy[Any]:
    """Mostly accepted forms, some refused ones, some blanks."""
    return st.one_of(
        accepted(kind, m), accepted(kind, m), accepted(kind, m), accepted(kind, m), refused(kind), st.none()
    )


def register_row(m: Methodology, assessors: int = 5) -> st.SearchStrategy[dict[str, Any]]:
    """One register row: ``assessors`` likelihood and impact cells, sometimes a loss amount.
    Most rows hold accepted forms only (so that many rows get a score); the others mix in
    refused forms."""

    def row(cells: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(
            lambda lk, im, loss, area: risk("", lk, im, area=area, loss=loss, description="生成的风险"),
            st.lists(cells["likelihood"], min_size=assessors, max_size=assessors),
            st.lists(cells["impact"], min_size=assessors, max_size=assessors),
            st.one_of(st.none(), st.none(), cells["amount"]),
            st.sampled_from(AREAS),
        )

    kinds = ("likelihood", "impact", "amount")
    clean = {k: st.one_of(accepted(k, m), accepted(k, m), accepted(k, m), st.none()) for k in kinds}
    mixed = {k: cell(k, m) for k in kinds}
    return st.one_of(row(clean), row(clean), row(mixed))


def draw_rows(m: Methodology, count: int, per_example: int = 25) -> list[dict[str, Any]]:
    """``count`` register rows drawn by hypothesis (derandomized: the same rows every run)."""
    rows: list[dict[str, Any]] = []

    @settings(
        max_examples=count // per_example + 1,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(__import__("hypothesis").HealthCheck),
    )
    @given(st.lists(register_row(m), min_size=per_example, max_size=per_example))
    def collect(drawn: list[dict[str, Any]]) -> None:
        rows.extend(drawn)

    collect()
    for i, row in enumerate(rows[:count], start=1):
        row["id"] = f"G-{i:04d}"
    return rows[:count]


assert len(whitespace()) == 29  # SPACES above draws from the set the rules drop
