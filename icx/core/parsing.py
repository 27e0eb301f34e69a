"""Reading the many ways people write a value in a cell: "35%", "¥12,000", "1.2万", "３".

Shared by the scalar functions (``icx.core.scoring``) and the column functions
(``icx.core.vectorized``): the patterns live here once.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real
from typing import Any

# A money amount after NFKC and with spaces and thousands separators removed. Optional currency
# words/signs, a number, an optional Chinese/English multiplier and an optional unit.
AMOUNT_PATTERN = re.compile(
    r"^(?:人民币|rmb|cny)?[¥$]?(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?P<mult>千|万|亿|k|w)?(?:元|rmb|cny|yuan)?$"
)
MULTIPLIERS = {None: 1.0, "": 1.0, "千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "亿": 1e8}
# A marker saying "this is money, not a 1–5 score".
MONEY_MARK = re.compile(r"[¥$元万亿千]|rmb|cny|yuan")
PERCENT_PATTERN = re.compile(r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))%$")
NUMBER_PATTERN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def clean_text(value: Any) -> str:
    """NFKC (full-width → half-width), no whitespace, lower case, no thousands commas."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(text.split()).lower()
    return THOUSANDS.sub("", text)


def is_blank(value: Any) -> bool:
    """None, NaN, whitespace-only text, or pandas' NA/NaT."""
    if value is None:
        return True
    if value.__class__ is str:  # the common cases first: this runs for every cell read
        return not value.strip()
    if value.__class__ is int:
        return False
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    pd = sys.modules.get("pandas")  # NA and NaT exist only once pandas is loaded: never load it here
    if pd is None or isinstance(value, bytes):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_number(value: Any) -> float | None:
    """A real number from a number or a numeric text ("３", " 3.5 "), else None. Bools are not numbers."""
    kind = value.__class__
    if kind is float:  # the common cells first: the ABC check below is slow
        return None if value != value else value
    if kind is int:
        return float(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, Real):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, str):
        text = clean_text(value)
        if NUMBER_PATTERN.match(text):
            return float(text)
    return None


def as_percent(value: Any) -> float | None:
    """A fraction from a percentage text ("35%" → 0.35), else None."""
    if isinstance(value, str):
        match = PERCENT_PATTERN.match(clean_text(value))
        if match:
            return float(match["num"]) / 100.0
    return None


def as_amount(value: Any) -> float | None:
    """Yuan from a number or a money text ("¥12,000", "1.2万", "3万元"), else None."""
    number = as_number(value)
    if number is not None:
        return number
    if isinstance(value, str):
        match = AMOUNT_PATTERN.match(clean_text(value))
        if match:
            return float(match["num"]) * MULTIPLIERS[match["mult"]]
    return None


def looks_like_money(value: Any) -> bool:
    return isinstance(value, str) and bool(MONEY_MARK.search(clean_text(value)))


SPREADSHEET_DIGITS = 15  # significant digits a spreadsheet keeps of a number


def round_half_up(x: float, digits: int) -> float:
    """Round like the spreadsheets' ROUND: half away from zero, on the decimal value as the
    spreadsheet holds it (15 significant digits), not on the binary float.

    3.1025 × 2.655 is the float 8.237137499999999…; Excel and LibreOffice see 8.2371375 and
    ROUND it to 8.237138, so icx does too (checked against LibreOffice on 20,000 such ties).
    """
    if not math.isfinite(x) or x == 0:
        return x
    if 0 <= digits <= FAST_DIGITS:
        # Every score is rounded, so the common cases skip Decimal. Far from a tie the answer
        # does not depend on the 15-digit view: n / 10**digits is then exactly the float of the
        # rounded decimal (both operands exact, the division correctly rounded).
        scaled = abs(x) * 10.0**digits
        if scaled < FAST_LIMIT:
            whole = math.floor(scaled)
            fraction = scaled - whole
            if abs(fraction - 0.5) > FAST_MARGIN + scaled * FAST_RELATIVE:
                return math.copysign((whole + (fraction > 0.5)) / 10.0**digits, x)
    return decimal_round_half_up(x, digits)


FAST_DIGITS = 15  # 10**digits is an exact float up to 10**22; scores use 2–9 digits
FAST_LIMIT = 1e13  # the rounded whole stays far below 2**53, so it and the division are exact
# The 15-digit view and the scaled float differ from the exact decimal by less than 6e-15 of
# the scaled value; a fraction farther than this from one half rounds the same either way.
FAST_RELATIVE = 1e-13
FAST_MARGIN = 1e-6


def decimal_round_half_up(x: float, digits: int) -> float:
    """``round_half_up`` through ``Decimal``, for every case (ties, huge values)."""
    if not math.isfinite(x) or x == 0:
        return x
    shown = Decimal(f"{x:.{SPREADSHEET_DIGITS}g}")
    return float(shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
