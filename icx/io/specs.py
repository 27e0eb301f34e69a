"""The standard sheets and tables of the catalogue (``icx/data/catalogue/sheets.toml``): sheet
names, column specs (key, zh/en headers, aliases) and which column a header text means.

Shared by the readers (``icx.io.table``), the templates and every writer of a standard sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from icx import i18n
from icx.core.memo import Memo
from icx.core.methodology import normalize_word

KNOWN_TEXTS = 65536  # cell texts remembered per table kind by the header search
ASSESSOR_PLACEHOLDER = "{n}"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a standard sheet: its key, headers in each language and aliases."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    formula: bool = False  # the template computes it (see sheets.toml)

    @property
    def numbered(self) -> bool:
        return ASSESSOR_PLACEHOLDER in self.key

    def header(self, lang: i18n.Lang = "zh", n: int | None = None) -> str:
        text = self.zh if lang == "zh" else self.en
        return text.replace(ASSESSOR_PLACEHOLDER, str(n)) if n is not None else text

    def names(self) -> list[str]:
        return [self.zh, self.en, *self.aliases]


@cache
def columns(table: str) -> tuple[ColumnSpec, ...]:
    """The column specs of a standard table ('register', 'control_matrix', 'evaluation'…)."""
    specs = i18n.section("columns").get(table)
    if specs is None:
        raise KeyError(f"no column specs for table {table!r} in the catalogue")
    return tuple(
        ColumnSpec(
            key=s["key"],
            zh=s["zh"],
            en=s["en"],
            aliases=tuple(s.get("aliases", ())),
            required=bool(s.get("required", False)),
            formula=bool(s.get("formula", False)),
        )
        for s in specs
    )


def sheet_names(key: str) -> tuple[str, str]:
    """(zh, en) name of a standard sheet."""
    entry = i18n.section("sheets")[key]
    return entry["zh"], entry["en"]


def _header_key(text: Any) -> str:
    # Headers often carry notes: "风险编号*", "可能性（1-5）". Brackets and marks are dropped.
    cleaned = normalize_word(str(text or ""))
    cleaned = re.sub(r"[(\[（【].*?[)\]）】]", "", cleaned)
    return cleaned.strip("*:：#")


@cache
def _matchers(table: str) -> tuple[list[tuple[str, str]], list[tuple[re.Pattern[str], str]]]:
    """Exact header→key pairs and patterns for numbered (per-assessor) columns."""
    exact: list[tuple[str, str]] = []
    numbered: list[tuple[re.Pattern[str], str]] = []
    for spec in columns(table):
        for name in spec.names():
            if spec.numbered:
                pattern = re.escape(_header_key(name)).replace(re.escape("{n}"), r"(\d+)")
                pattern = pattern.replace(r"\{n\}", r"(\d+)")
                numbered.append((re.compile(f"^{pattern}$"), spec.key))
            else:
                exact.append((_header_key(name), spec.key))
    return exact, numbered


def match_header(text: Any, table: str) -> str | None:
    """The column key a header cell means, e.g. '评估人3可能性' → 'likelihood_3'."""
    if text.__class__ is not str:
        if not text or isinstance(text, (int, float)) and not isinstance(text, bool) and text != text:
            return None  # blank (or NaN) cells
        text = str(text)
    elif not text:
        return None
    return header_memo(table)[text]


@cache
def header_memo(table: str) -> Memo[str, str | None]:
    """Cell text → the column key it means in ``table`` (None: none). The header search looks at
    every text cell of the first rows of every sheet, the same few hundred texts in every file."""
    return Memo(lambda text: _match_text(text, table), KNOWN_TEXTS)


def _match_text(text: str, table: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    exact, numbered = _matchers(table)
    for name, spec_key in exact:
        if key == name:
            return spec_key
    for pattern, spec_key in numbered:
        found = pattern.match(key)
        if found:
            return spec_key.replace(ASSESSOR_PLACEHOLDER, str(int(found.group(1))))
    return None


def headers(table: str, lang: i18n.Lang = "zh", keys: Iterable[str] | None = None) -> list[str]:
    """Header texts for a table's columns in one language (numbered columns left out)."""
    chosen = set(keys) if keys is not None else None
    return [s.header(lang) for s in columns(table) if not s.numbered and (chosen is None or s.key in chosen)]
