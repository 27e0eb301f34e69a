"""The key figures of a committee summary, read back from its 概览 sheet.

The consolidation writes label/value rows (label in column A, value in column B) with the
labels of ``icx/data/catalogue/figures.toml``; this reads them by label (Chinese or English). A
figure that is not there, or is blank (a formula never calculated), is reported as missing and
shown as missing in the email — never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from icx import i18n
from icx.core.errors import IcxError, Problem
from icx.core.methodology import normalize_word
from icx.io.grid import Grid, WorkbookGrid, load_grid
from icx.io.specs import columns, sheet_names
from icx.io.table import text_of
from icx.mail.addresses import one_line

# The figures a subject line carries, in order (the issue's "units, 一级 risks, conflicts,
# overdue deficiencies").
HEADLINE = ("units_received", "risks_level1", "conflicts", "deficiencies_overdue")


def figure_keys() -> list[str]:
    """Every key figure, in the catalogue's order."""
    return list(i18n.section("figures"))


def figure_label(key: str, lang: i18n.Lang = "zh") -> str:
    return i18n.section("figures")[key][lang]


@dataclass
class KeyFigures:
    """Figures found on the 概览 sheet (key → value as the sheet holds it) and those missing."""

    values: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    period: str = ""
    problems: list[Problem] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.values

    def shown(self, key: str) -> str:
        """The value as text for an email ('12', '87.5'); '' when missing."""
        return format_value(self.values[key]) if key in self.values else ""


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return ""
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return one_line(value)


def _labels() -> dict[str, str]:
    """Normalised label (zh or en) → figure key."""
    found: dict[str, str] = {}
    for key, entry in i18n.section("figures").items():
        for lang in i18n.LANGS:
            found[normalize_word(entry[lang])] = key
    return found


def _period_labels() -> set[str]:
    spec = next((s for s in columns("unit_info") if s.key == "period"), None)
    return {normalize_word(n) for n in spec.names()} if spec else set()


def overview_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("overview"))


def figures_from_grid(grid: Grid, file: str | None = None) -> KeyFigures:
    labels, period_labels = _labels(), _period_labels()
    result = KeyFigures()
    for row in grid.rows:
        label = normalize_word(text_of(row[0] if row else None).rstrip(":："))
        value = row[1] if len(row) > 1 else None
        if label in period_labels and text_of(value):
            result.period = format_value(value)
            continue
        key = labels.get(label)
        if key is None or key in result.values:
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # present but blank: reported below as missing
        result.values[key] = value
    result.missing = [k for k in figure_keys() if k not in result.values]
    for key in result.missing:
        result.problems.append(
            Problem.of(
                "mail_figure_missing",
                params={"label": figure_label(key, "zh"), "label_en": figure_label(key, "en")},
                severity="warning",
                file=file,
                sheet=grid.name,
            )
        )
    return result


def read_key_figures(path: str | Path) -> KeyFigures:
    """Key figures of the committee summary at ``path``.

    Raises ``IcxError`` when the file cannot be read or has no 概览 sheet; a missing figure is a
    warning on the result.
    """
    path = Path(path)
    book = load_grid(path, sheets=list(sheet_names("overview")))
    grid = overview_sheet(book)
    if grid is None:  # the sheet may be named with odd spacing or case: look at every sheet
        grid = overview_sheet(load_grid(path))
    if grid is None:
        zh, en = sheet_names("overview")
        raise IcxError(Problem.of("mail_overview_missing", params={"sheet": zh, "accepted": en}, file=str(path)))
    return figures_from_grid(grid, file=str(path))
