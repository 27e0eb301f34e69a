"""Typed problems: what was wrong, where, and what was expected — in Chinese and English.

Problems are collected, not thrown one at a time (a batch reports every bad cell). Code that
must stop raises an ``IcxError`` carrying one or more problems.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from icx import i18n

Severity = Literal["error", "warning", "info"]  # info: a row recognised and skipped (合计, 备注…)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Location(BaseModel):
    """Where a problem is: as much as the caller knows, from the file down to one cell."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # "H17"
    row: Any = None  # the table's row label (sheet row number, or position in a column) when no cell is known
    field: str | None = None  # the column's key ("likelihood", "owner"...)

    def __str__(self) -> str:
        """'file: 风险清单!H17' style, as much as is known."""
        if self.sheet and self.cell:
            place = f"{self.sheet}!{self.cell}"
        else:
            place = self.sheet or self.cell or (f"row {self.row}" if self.row is not None else "")
        if self.field and not self.cell:
            place = f"{place} [{self.field}]" if place else f"[{self.field}]"
        if self.file:
            return f"{self.file}: {place}" if place else self.file
        return place


class Problem(BaseModel):
    """One thing wrong with the input: a catalogue code, its message in both languages (filled
    from ``params``), where it is and the value found there."""

    model_config = ConfigDict(frozen=True)

    code: str
    message_zh: str
    message_en: str
    severity: Severity = "error"
    location: Location = Location()
    given: Any = None
    params: dict[str, Any] = {}  # the values filled into the catalogue message
    fix_zh: str = ""  # how to fix it (怎么改), from the message's fix_zh / fix_en
    fix_en: str = ""
    count: int = 1  # > 1: the same problem in several cells of one column (icx.core.problem_list.grouped)

    @classmethod
    def of(
        cls,
        code: str,
        /,
        *,
        params: Mapping[str, Any] | None = None,
        message: str | None = None,
        severity: Severity = "error",
        given: Any = None,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: Any = None,
        field: str | None = None,
    ) -> Problem:
        """A problem from the catalogue message ``message`` (default: ``code``); its placeholders
        come from ``params``, ``{given}`` from ``given`` (shown as typed: 6, not 6.0) and
        ``{column}`` from ``field`` (its meaning, 影响程度 · 评估人3) unless ``params`` names them.
        The message's how-to-fix text is filled from the same values."""
        values = dict(params or {})
        values.setdefault("given", show_value(given))  # a blank cell shows as an empty text
        if field is not None:
            values.setdefault("column", field_meaning(field))
        key = message or code
        zh, en = i18n.both(key, **values)
        fix_zh, fix_en = i18n.fix(key, **values)
        return cls(
            code=code,
            message_zh=zh,
            message_en=en,
            severity=severity,
            location=Location(file=file, sheet=sheet, cell=cell, row=row, field=field),
            given=given,
            params=dict(params or {}),
            fix_zh=fix_zh,
            fix_en=fix_en,
        )

    # The location's parts, read as often as the problem itself.
    @property
    def file(self) -> str | None:
        return self.location.file

    @property
    def sheet(self) -> str | None:
        return self.location.sheet

    @property
    def cell(self) -> str | None:
        return self.location.cell

    @property
    def row(self) -> Any:
        return self.location.row

    @property
    def field(self) -> str | None:
        return self.location.field

    def located(self, **where: Any) -> Problem:
        """The same problem with more of its location filled in (file, sheet, cell…)."""
        known = {k: v for k, v in where.items() if v is not None}
        return self.model_copy(update={"location": self.location.model_copy(update=known)})

    @property
    def where(self) -> str:
        """'file: 风险清单!H17' style location, as much as is known."""
        return str(self.location)

    def message(self, lang: i18n.Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def fix(self, lang: i18n.Lang = "zh") -> str:
        """How to fix it (怎么改), '' when the message says it all."""
        return self.fix_zh if lang == "zh" else self.fix_en

    def explained(self, lang: i18n.Lang = "zh") -> str:
        """The message and how to fix it: '…实际为“三”…（怎么改：写成3）'."""
        fix = self.fix(lang)
        if not fix:
            return self.message(lang)
        return f"{self.message(lang)}（怎么改：{fix}）" if lang == "zh" else f"{self.message(lang)} (to fix: {fix})"

    def render(self, lang: i18n.Lang | Literal["both"] = "both") -> str:
        body = f"{self.explained('zh')} / {self.explained('en')}" if lang == "both" else self.explained(lang)
        return f"{self.where}: {body}" if self.where else body


def show_value(value: Any) -> str:
    """A cell's value as the person typed it: 6 (not 6.0), 0.35, 2026-03-31, TRUE; long texts
    shortened to 60 characters."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
        text = text if math.isfinite(value) else str(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_meaning(field: str) -> i18n.Both:
    """What a column key means, in both languages: 'impact_3' → 影响程度 · 评估人3 / impact ·
    assessor 3; 'loss_amount' → 预计损失金额 / expected loss. Keys with no label stay as they are."""
    base, _, n = field.rpartition("_")
    if base and n.isdigit():
        kind = _label_pair(base)
        who = i18n.Both(i18n.label("assessor", "zh").format(n=n), i18n.label("assessor", "en").format(n=n))
        return i18n.Both(f"{kind.zh} · {who.zh}", f"{kind.en} · {who.en}")
    return _label_pair(field)


def _label_pair(key: str) -> i18n.Both:
    try:
        return i18n.Both(i18n.label(key, "zh"), i18n.label(key, "en"))
    except KeyError:
        return i18n.Both(key, key)


class IcxError(Exception):
    """Base of icx's errors: carries problems that say what was given and what is accepted."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def problem(self) -> Problem:
        return self.problems[0]


class InvalidValue(IcxError, ValueError):
    """One value could not be read as what was expected (scalar scoring functions)."""


class InvalidValues(IcxError, ValueError):
    """Several values (a column) could not be read; one problem per bad row."""


class InvalidMethodology(IcxError, ValueError):
    """A methodology that breaks the rules (matrix shape, monotonicity, band edges...)."""
