"""Find a table on a sheet by its headers and read its rows, keyed by column keys.

Tolerates what hand-edited sheets do: title rows above the header, columns reordered or added,
English or alias headers, blank rows, numbers stored as text. Column specs come from the
catalogue (``icx/data/catalogue/sheets.toml``). Each row keeps its sheet row number so every
problem can name its cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from icx import i18n
from icx.core.acceptance import skipped_row
from icx.core.errors import Problem
from icx.core.methodology import normalize_word
from icx.core.rows import Rows
from icx.io.grid import Grid, cell_ref, column_letter

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

HEADER_SEARCH_ROWS = 30
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
    known = _known(table)
    key = known.get(text, _UNSEEN)
    return _remember(known, text, table) if key is _UNSEEN else key  # type: ignore[return-value]


_UNSEEN = object()


@cache
def _known(table: str) -> dict[str, str | None]:
    """Cell text → column key (or None) already worked out for ``table``: a dict lookup per
    cell, as the header search looks at every text cell of the first rows of every sheet."""
    return {}


def _remember(known: dict[str, str | None], text: str, table: str) -> str | None:
    """Work out and keep what ``text`` means in ``table`` (the table of texts seen stays bounded:
    the header search looks at data rows too)."""
    if len(known) > KNOWN_TEXTS:
        known.clear()
    key = known[text] = _match_text(text, table)
    return key


def _match_text(text: str, table: str) -> str | None:
    # Header search looks at the same few hundred texts in every unit file: match each once.
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


@dataclass
class Table:
    """A table read from a sheet: ``rows`` holds the cells, numbered by 1-based sheet row."""

    sheet: str
    header_row: int  # 0-based
    columns: dict[str, int]  # key → 0-based column index
    rows: Rows
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame indexed by sheet row, built only when a caller asks for one."""
        return self.rows.to_frame()

    def cell(self, row_number: int, key: str) -> str:
        """'H17' for the sheet row number and column key."""
        return f"{column_letter(self.columns[key])}{row_number}"

    def locate(self, problem: Problem, file: str | None = None) -> Problem:
        """Fill sheet and cell into a problem whose ``row`` is a sheet row and ``field`` a key."""
        cell = None
        if problem.row is not None and problem.field in self.columns:
            cell = self.cell(int(problem.row), problem.field)
        return problem.located(sheet=self.sheet, cell=cell, file=file)


Window = tuple[int, int]  # 0-based first and last column to look at (inclusive)


def find_header(
    grid: Grid, table: str, search_rows: int = HEADER_SEARCH_ROWS, window: Window | None = None
) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) holding the most known columns, and its key → column map.

    ``window`` limits the columns looked at, for sheets holding several tables side by side.
    """
    best: tuple[int, dict[str, int]] | None = None
    specs = columns(table)
    required = {s.key for s in specs if s.required}
    # A row holding every column of a table without numbered columns cannot be bettered.
    complete = len(specs) if not any(s.numbered for s in specs) else None
    first, last = window or (0, 10**9)
    known = _known(table)
    for r in range(min(search_rows, grid.height)):
        found: dict[str, int] = {}
        row = grid.rows[r]
        for c, value in enumerate(row[first : last + 1], first):
            if value.__class__ is not str or not value:
                continue  # headers are text; most cells looked at are blank or numbers
            key = known.get(value, _UNSEEN)
            if key is _UNSEEN:
                key = _remember(known, value, table)
            if key and key not in found:
                found[key] = c
        if not found:
            continue
        score = (len(required & found.keys()), len(found))
        if best is None or score > (len(required & best[1].keys()), len(best[1])):
            best = (r, found)
            if len(found) == complete:
                break
    if best is None or len(best[1]) < 2:
        return None
    return best


def read_table(grid: Grid, table: str, *, file: str | None = None, window: Window | None = None) -> Table:
    """Read the standard table ``table`` from ``grid``; problems are collected, never raised.

    Values are kept as the sheet holds them (text stays text); parsing into numbers is the
    caller's job so it can say what a cell should have held. ``window`` (first, last column,
    0-based) reads one of several tables placed side by side on a sheet.
    """
    memo = (table, window, file)
    if memo in grid.tables:
        return grid.tables[memo]
    grid.tables[memo] = read = _read_table(grid, table, file, window)
    return read


def _read_table(grid: Grid, table: str, file: str | None, window: Window | None) -> Table:
    found = find_header(grid, table, window=window)
    specs = columns(table)
    if found is None:
        needed = "、".join(s.zh for s in specs if s.required) or specs[0].zh
        problem = Problem.of(
            "header_not_found", params={"rows": HEADER_SEARCH_ROWS, "needed": needed}, file=file, sheet=grid.name
        )
        return Table(grid.name, -1, {}, Rows(), [problem])
    header_row, mapping = found
    problems: list[Problem] = []
    header_values = grid.rows[header_row]
    first, last = window or (0, 10**9)
    for c, value in enumerate(header_values):
        if not first <= c <= last:
            continue
        key = match_header(value, table)
        if key and mapping.get(key) != c:
            problems.append(
                Problem.of(
                    "column_duplicate",
                    params={"column": str(value)},
                    severity="warning",
                    file=file,
                    sheet=grid.name,
                    cell=cell_ref(header_row, c),
                )
            )
    for spec in specs:
        if spec.required and spec.key not in mapping:
            problems.append(
                Problem.of(
                    "column_missing",
                    params={"column": spec.zh, "accepted": " / ".join(spec.names()[1:])},
                    file=file,
                    sheet=grid.name,
                    cell=cell_ref(header_row, 0),
                )
            )
    records: list[list[Any]] = []
    row_numbers: list[int] = []
    keys = list(mapping)
    where = [mapping[k] for k in keys]
    widest = max(where, default=-1)
    pick = itemgetter(*where) if len(where) > 1 else lambda row: [row[c] for c in where]  # C-level picking
    filled = grid.filled
    merged_rows = {r for r, _ in filled}
    for r in range(header_row + 1, grid.height):
        row = grid.rows[r]
        width = len(row)
        if row.count("") + row.count(None) == width:
            continue  # an empty row (templates carry hundreds below the entries): skip it cheaply
        # Text stripped and blank text None; numbers kept as they are (ids are normalised by the caller).
        cells = pick(row) if width > widest else [row[c] if c < width else None for c in where]
        values = [(v.strip() or None) if v.__class__ is str else v for v in cells]
        # Blank rows between entries are allowed; cells filled in from a merged range don't count.
        if r in merged_rows:
            if all(v is None or (r, c) in filled for v, c in zip(values, where)):
                continue
        elif values.count(None) == len(values):
            continue
        skipped = skipped_row(values)  # 合计, 备注…: not an entry, said so
        if skipped is not None:
            problems.append(_skipped(grid, file, r, where[skipped[0]], values[skipped[0]]))
            continue
        records.append(values)
        row_numbers.append(r + 1)
    return Table(grid.name, header_row, mapping, Rows(keys, row_numbers, records), problems)


def _skipped(grid: Grid, file: str | None, r: int, c: int, given: Any) -> Problem:
    return Problem.of(
        "row_skipped",
        params={"row": r + 1},
        given=given,
        severity="info",
        file=file,
        sheet=grid.name,
        cell=cell_ref(r, c),
    )


def assessor_numbers(table: Table, prefix: str) -> list[int]:
    """The assessor numbers present for 'likelihood_' / 'impact_' columns, ascending."""
    return sorted(int(k[len(prefix) :]) for k in table.columns if k.startswith(prefix) and k[len(prefix) :].isdigit())


def text_of(value: Any) -> str:
    """A cell as text: 3.0 → '3', None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def headers(table: str, lang: i18n.Lang = "zh", keys: Iterable[str] | None = None) -> list[str]:
    """Header texts for a table's columns in one language (numbered columns left out)."""
    chosen = set(keys) if keys is not None else None
    return [s.header(lang) for s in columns(table) if not s.numbered and (chosen is None or s.key in chosen)]
