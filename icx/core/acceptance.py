"""What a score, probability, loss-amount or wording cell may hold: ``icx/data/acceptance.toml``.

The template's formulas (``icx.templates.cell_formulas``) read cells step by step the same way,
so each step here has its formula twin; tests/templates/ holds the two equal in LibreOffice.

A text cell is read in three steps:

1. ``compact``: full-width ASCII folded (３ → 3, ％ → %), ￥ → ¥, every space dropped.
2. ``written``: the number part — the compact text without a leading ¥, a trailing 元 or %, a
   万/亿 before that, and its commas — and whether that part is a plain decimal ("3.5").
3. the cell's kind decides: ``plain`` (the text is just the number), ``percent`` (number + %),
   ``money`` (some of ¥ 万 亿 元 written) or anything else, which must be a wording.

Numbers are looked at with the 15 significant digits a spreadsheet keeps, so a comparison with
a band edge comes out as in the spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from icx.bundled import read_toml
from icx.core.parsing import is_blank

Kind = Literal["likelihood", "impact", "amount"]
Form = Literal["plain", "percent", "money", "other"]
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
LEAP_BUG = dt.datetime(1900, 3, 1)  # before it, a spreadsheet's serial is one day less (its 1900-02-29)
FULLWIDTH_FIRST, FULLWIDTH_LAST = 0xFF01, 0xFF5E  # ！ … ～, the full-width forms of ! … ~


@cache
def rules() -> dict[str, Any]:
    """The acceptance set as written in ``icx/data/acceptance.toml``."""
    return read_toml("acceptance.toml")


@cache
def _fold_table() -> dict[int, str]:
    text = rules()["text"]
    table: dict[int, str] = {}
    if text.get("fold_fullwidth_ascii", True):
        table.update({code: chr(code - 0xFEE0) for code in range(FULLWIDTH_FIRST, FULLWIDTH_LAST + 1)})
    table.update({ord(k): v for k, v in text.get("replace", {}).items()})
    if text.get("drop_whitespace", True):
        table.update({ord(ch): "" for ch in whitespace()})
    return table


@cache
def whitespace() -> tuple[str, ...]:
    """Every white-space character (Unicode's, as Python's str.isspace knows them): 29 of them."""
    return tuple(chr(code) for code in range(0x3001) if chr(code).isspace())


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """A text cell as the rules read it: full-width ASCII folded, ￥ → ¥, white space dropped."""
    return text.translate(_fold_table())


def word_key(text: str) -> str:
    """How a wording cell is compared with the wording table: compact, case ignored."""
    return compact(text).lower()


def spreadsheet_value(x: float) -> float:
    """``x`` as a spreadsheet holds it: 15 significant digits."""
    if not math.isfinite(x) or x == 0:
        return x
    return float(f"{x:.{rules()['number']['significant_digits']}g}")


def cell_number(value: Any) -> float | None:
    """The number a cell holds (a date or time as its serial number), else None. Bools are not
    numbers: a spreadsheet's ISNUMBER(TRUE) is FALSE."""
    kind = value.__class__
    if kind is float:
        return None if value != value else value
    if kind is int:
        return float(value)
    if isinstance(value, bool) or value is None or isinstance(value, str) or kind.__name__ == "bool_":
        return None
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH) / dt.timedelta(days=1) - (value < LEAP_BUG)
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days - (value < LEAP_BUG.date()))
    if isinstance(value, dt.timedelta):
        return value / dt.timedelta(days=1)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    try:
        number = float(value)  # numpy numbers and other reals
    except (TypeError, ValueError):
        return None
    return None if number != number else number


@dataclass(frozen=True)
class Written:
    """What a text cell says, read as the formulas read it."""

    text: str  # compact text
    number_text: str  # the number part (marks and commas removed)
    value: float | None  # its value when it is a plain decimal, else None
    form: Form
    multiplier: float = 1.0

    @property
    def amount(self) -> float | None:
        return None if self.value is None else spreadsheet_value(self.value * self.multiplier)


def is_decimal(text: str) -> bool:
    """ASCII digits with at most one point and at least one digit ("3", "3.5", ".5", "3.")."""
    number = rules()["number"]
    digits, point = number["digits"], number["point"]
    found = sum(1 for ch in text if ch in digits)
    return found > 0 and found + text.count(point) == len(text) and text.count(point) <= 1


@lru_cache(maxsize=65536)
def written(text: str) -> Written:
    """Read the compact text of a cell into its number part and form (see the module doc)."""
    money = rules()["money"]
    c = compact(text)
    yen = int(c[:1] == money["prefix"])
    end = int(c[-1:] in (money["suffix"], "%"))
    # The character before the suffix (or the last one): a multiplier such as 万.
    at = len(c) - end - 1
    mult = int(at >= 0 and c[at] in money["multipliers"])
    number_text = c[yen : yen + max(0, len(c) - yen - end - mult)].replace(money["thousands"], "")
    value = spreadsheet_value(float(number_text)) if is_decimal(number_text) else None
    if c == number_text:
        form: Form = "plain"
    elif c == number_text + "%":
        form = "percent"
    elif not c.endswith("%") and c.replace(money["thousands"], "") != number_text:
        form = "money"
    else:
        form = "other"
    suffix = int(c.endswith(money["suffix"]))
    mark = c[len(c) - suffix - 1] if len(c) - suffix >= 1 else ""
    return Written(c, number_text, value, form, float(money["multipliers"].get(mark, 1)))


@dataclass(frozen=True)
class Reading:
    """One cell read as a score: the score (None when blank or refused) and, when refused, the
    problem code, the catalogue message saying what to write, and its parameters."""

    score: float | None
    code: str | None = None
    message: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return self.score is None and self.code is None


BLANK = Reading(None)


def _band(edges: tuple[float, ...], value: float) -> int:
    return 1 + sum(1 for edge in edges if edge <= value)


def read(kind: Kind, value: Any, likelihood_edges, money_edges, words: dict[str, int]) -> Reading:
    """Read one cell of ``kind`` ('likelihood', 'impact' or 'amount' — a loss amount) into a
    score 1–5. ``words`` maps ``word_key`` of each wording to its score (unused for amounts)."""
    if is_blank(value) and not isinstance(value, str):
        return BLANK
    number = cell_number(value)
    if number is not None:
        return _number(kind, spreadsheet_value(number), likelihood_edges, money_edges, value)
    if not isinstance(value, str):
        return _refused(kind, value)
    w = written(value)
    if not w.text:
        return BLANK
    if kind == "amount":
        if w.value is not None and not w.text.endswith("%"):  # plain, money, or "1,000"
            return Reading(float(_band(money_edges, w.amount)))  # type: ignore[arg-type]
        return _refused(kind, value, w)
    if w.value is not None:
        if w.form == "plain":
            return _number(kind, w.value, likelihood_edges, money_edges, value)
        if kind == "likelihood" and w.form == "percent":
            p = spreadsheet_value(w.value / 100)
            if p <= 1:
                return Reading(float(_band(likelihood_edges, p)))
            return Reading(None, "likelihood_invalid", "probability_over", {})
        if kind == "impact" and w.form == "money":
            return Reading(float(_band(money_edges, w.amount)))  # type: ignore[arg-type]
    score = words.get(word_key(value))
    if score is not None:
        return Reading(float(score))
    return _refused(kind, value, w)


def _number(kind: Kind, v: float, likelihood_edges, money_edges, given: Any) -> Reading:
    if kind == "amount":
        if v >= 0:
            return Reading(float(_band(money_edges, v)))
        return Reading(None, "amount_invalid", "amount_negative", {})
    if 1 <= v <= 5:
        return Reading(v)
    if kind == "likelihood" and 0 <= v < 1:
        return Reading(float(_band(likelihood_edges, v)))
    if kind == "impact" and v > 5:
        return Reading(None, "impact_invalid", "impact_bare_number", {})
    return Reading(None, f"{kind}_invalid", f"{kind}_out_of_range", {})


def _refused(kind: Kind, given: Any, w: Written | None = None) -> Reading:
    """A refused cell, with the message that best says what to write instead."""
    code = f"{kind}_invalid"
    if w is None:
        return Reading(None, code, code, {})
    hints = rules()["hints"]
    text = w.text
    for unit in hints["score_units"]:
        if kind != "amount" and text.endswith(unit) and is_decimal(text[: -len(unit)]):
            return Reading(None, code, "score_with_unit", {"number": text[: -len(unit)]})
    numeral = hints["numerals"].get(text.removesuffix("分"))
    if numeral is not None and kind != "amount":
        return Reading(None, code, "score_numeral", {"number": numeral})
    for mark, times in hints["other_multipliers"].items():
        number = text.removeprefix(rules()["money"]["prefix"]).removesuffix(rules()["money"]["suffix"])
        if kind != "likelihood" and number.lower().endswith(mark) and is_decimal(number[: -len(mark)]):
            amount = _show_number(spreadsheet_value(float(number[: -len(mark)]) * times))
            return Reading(None, code, "amount_other_multiplier", {"amount": amount})
    if kind == "likelihood" and w.value is not None and w.form == "money":
        return Reading(None, code, "likelihood_money", {})
    if kind == "impact" and w.value is not None and w.form == "percent":
        return Reading(None, code, "impact_percent", {})
    if kind == "impact" and w.form == "other" and is_decimal(text.replace(rules()["money"]["thousands"], "")):
        return Reading(None, code, "impact_bare_number", {})
    return Reading(None, code, code, {})


def skipped_row(values: list[Any]) -> tuple[int, str] | None:
    """(position, word) when the first filled value of a table row marks a total or a note
    (合计, 备注：…, acceptance.toml [rows]); None for an entry."""
    for i, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str):
            return None
        text = compact(value).lower()
        for word in _skip_words():
            if text.startswith(word) and (len(text) == len(word) or not text[len(word)].isalnum()):
                return i, word
        return None
    return None


@cache
def _skip_words() -> tuple[str, ...]:
    words = (compact(w).lower() for w in rules()["rows"]["skip"])
    return tuple(sorted(words, key=len, reverse=True))  # 填表说明 before 说明, subtotal before total


def date_range() -> tuple[int, int]:
    """The Excel serial numbers of the first and last day a date cell may hold."""
    section = rules()["date"]
    first, last = (dt.date.fromisoformat(section[k]) for k in ("first", "last"))
    return (first - EXCEL_EPOCH.date()).days, (last - EXCEL_EPOCH.date()).days


def _show_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
