"""Find a table on a sheet by its headers and read its rows, keyed by column keys.

Tolerates what hand-edited sheets do: title rows above the header, columns reordered or added,
English or alias headers, blank rows, numbers stored as text. Which headers a table has comes
from ``icx.io.specs`` (the catalogue's column specs). Each row keeps its sheet row number so
every problem can name its cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from icx.core.acceptance import skipped_row
from icx.core.errors import Problem
from icx.core.rows import Rows
from icx.io.grid import Grid, cell_ref, column_letter
from icx.io.specs import columns, header_memo, match_header

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

HEADER_SEARCH_ROWS = 30


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
    known = header_memo(table)
    for r in range(min(search_rows, grid.height)):
        found: dict[str, int] = {}
        row = grid.rows[r]
        for c, value in enumerate(row[first : last + 1], first):
            if value.__class__ is not str or not value:
                continue  # headers are text; most cells looked at are blank or numbers
            key = known[value]
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
    formula_keys = {s.key for s in specs if s.formula}
    formula_only = {i for i, k in enumerate(keys) if k in formula_keys}
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
        if formula_only and all(v is None or (i in formula_only and v == 0) for i, v in enumerate(values)):
            continue  # only formula results at 0: how a .xls gives back a blank row's empty formulas
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
        row=r + 1,
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
