"""Typed problems: what was wrong, where, and what was expected — in Chinese and English.

Problems are collected, not thrown one at a time (a batch reports every bad cell). Code that
must stop raises an ``IcxError`` carrying one or more problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from icx import i18n

Severity = Literal["error", "warning"]


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
        come from ``params``, and ``{given}`` from ``given`` unless ``params`` names it."""
        values = dict(params or {})
        values.setdefault("given", _show(given))  # a blank cell shows as an empty text
        zh, en = i18n.both(message or code, **values)
        return cls(
            code=code,
            message_zh=zh,
            message_en=en,
            severity=severity,
            location=Location(file=file, sheet=sheet, cell=cell, row=row, field=field),
            given=given,
            params=dict(params or {}),
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

    def render(self, lang: i18n.Lang | Literal["both"] = "both") -> str:
        body = f"{self.message_zh} / {self.message_en}" if lang == "both" else self.message(lang)
        return f"{self.where}: {body}" if self.where else body


def _show(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
