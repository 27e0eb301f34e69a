"""Reading the ways people write a date in a cell: a real date, an Excel serial number,
"2026-03-31", "2026/3/31", "2026.3.31", "2026年3月31日", "20260331", full-width digits.

Shared by the conflict checks (from/to dates of a post assignment) and the self-evaluation
(rectification deadlines).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from numbers import Real
from typing import Any

from icx.core.acceptance import date_range, rules

# Excel's day 0 (serial 1 = 1900-01-01, counting the 1900 leap-year bug Excel keeps).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers a real date in a unit workbook can have (1950 … 2100, icx/data/acceptance.toml
# [date]); anything else is not a date. The templates' date columns validate the same range.
SERIAL_RANGE = date_range()

_SEPS = re.escape("".join(rules()["date"]["separators"]))  # icx/data/acceptance.toml [date]
_SEPARATED = re.compile(
    rf"^(\d{{4}})[{_SEPS}年](\d{{1,2}})[{_SEPS}月](\d{{1,2}})日?(?:[t ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def as_date(value: Any) -> dt.date | None:
    """The date a cell holds, or None when it holds no recognisable date. Blank gives None too;
    callers tell blank from bad with ``icx.core.parsing.is_blank``."""
    # pandas' missing datetime (NaT) is a datetime subclass but no date; known by its type's name
    # so that reading dates needs no pandas.
    if isinstance(value, bool) or value is None or value.__class__.__name__ == "NaTType":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, Real):
        number = float(value)
        if math.isnan(number) or not number.is_integer():
            return None
        if SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        value = str(int(number))  # 20260331 typed as a number
    elif not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = re.sub(r"\s*([-/.年月日])\s*", r"\1", text)
    found = _SEPARATED.match(text) or _COMPACT.match(text)
    if not found:
        return None
    year, month, day = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def show(day: dt.date | None) -> str:
    """A date as the sheets write it: '2026-03-31' ('' for None)."""
    return day.isoformat() if day else ""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months as a spreadsheet's EDATE does: the same day of the month,
    or the month's last day when it has fewer (2024-02-29 + 12 months → 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))
