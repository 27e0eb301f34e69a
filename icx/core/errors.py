"""Typed problems: what was wrong, where, and what was expected — in Chinese and English.

Problems are collected, not thrown one at a time (a batch reports every bad cell). Code that
must stop raises an ``IcxError`` carrying one or more problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from icx import i18n

Severity = Literal["error", "warning"]


class Problem(BaseModel):
    """One thing wrong with the input, located as precisely as the caller knows."""

    model_config = ConfigDict(frozen=True)

    code: str
    message_zh: str
    message_en: str
    severity: Severity = "error"
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # "H17"
    row: Any = None  # row label / index when no cell is known
    field: str | None = None
    given: Any = None

    @classmethod
    def of(cls, code: str, /, *, message: str | None = None, **kwargs: Any) -> Problem:
        """Build from a catalogue message key (``message`` defaults to ``code``)."""
        fmt = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("_")}
        values = {k.lstrip("_"): v for k, v in fmt.items()}
        if "given" in kwargs:
            values.setdefault("given", _show(kwargs["given"]))
        zh, en = i18n.both(message or code, **values)
        return cls(code=code, message_zh=zh, message_en=en, **kwargs)

    def located(self, **where: Any) -> Problem:
        """The same problem with more location filled in (file, sheet, cell…)."""
        return self.model_copy(update={k: v for k, v in where.items() if v is not None})

    @property
    def where(self) -> str:
        """'file: 风险清单!H17' style location, as much as is known."""
        place = ""
        if self.sheet and self.cell:
            place = f"{self.sheet}!{self.cell}"
        elif self.sheet:
            place = self.sheet
        elif self.cell:
            place = self.cell
        elif self.row is not None:
            place = f"row {self.row}"
        if self.field and not self.cell:
            place = f"{place} [{self.field}]" if place else f"[{self.field}]"
        if self.file:
            return f"{self.file}: {place}" if place else self.file
        return place

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
