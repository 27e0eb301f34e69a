"""A small table as plain Python lists: what the sheet readers need of a DataFrame, without pandas.

Unit workbooks hold a few dozen small tables each (a register of forty risks, seven control
matrices of ten rows…). Building a pandas frame for each costs more than everything else the
readers do, so tables travel as ``Rows``: column keys, the sheet row number of each row and the
cells as the sheet held them. ``to_frame()`` gives a DataFrame when a caller wants one (the
scored copy, the macros); the readers in ``icx.core`` take ``Rows``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Rows:
    """``values[i][j]`` is the cell of sheet row ``sheet_rows[i]`` in column ``columns[j]``."""

    columns: list[str] = field(default_factory=list)
    sheet_rows: list[int] = field(default_factory=list)  # 1-based, as Excel numbers rows; problems name them
    values: list[list[Any]] = field(default_factory=list)

    @classmethod
    def of(cls, records: Sequence[dict[str, Any]], columns: Sequence[str], first_row: int = 1) -> Rows:
        """A table of ``records`` (column key → cell; missing keys blank), numbered from ``first_row``."""
        values = [[record.get(key) for key in columns] for record in records]
        return cls(list(columns), list(range(first_row, first_row + len(values))), values)

    def __len__(self) -> int:
        return len(self.sheet_rows)

    def __contains__(self, key: object) -> bool:
        return key in self.columns

    @property
    def empty(self) -> bool:
        return not self.sheet_rows or not self.columns

    def column(self, key: str) -> list[Any]:
        """The cells of one column (all None when the table has no such column)."""
        if key not in self.columns:
            return [None] * len(self.sheet_rows)
        j = self.columns.index(key)
        return [row[j] for row in self.values]

    def at(self, row: int, key: str) -> Any:
        """The cell of sheet row ``row`` in column ``key`` (KeyError for an unknown row or column)."""
        try:
            return self.values[self.sheet_rows.index(row)][self.columns.index(key)]
        except ValueError:
            raise KeyError((row, key)) from None

    def records(self) -> dict[int, dict[str, Any]]:
        """Sheet row → {column key: cell}."""
        keys = self.columns
        return {r: dict(zip(keys, row)) for r, row in zip(self.sheet_rows, self.values)}

    def items(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(sheet row, {column key: cell}) in sheet order."""
        keys = self.columns
        for r, row in zip(self.sheet_rows, self.values):
            yield r, dict(zip(keys, row))

    def with_column(self, key: str, cells: Sequence[Any]) -> Rows:
        """A copy with one more (or a replaced) column."""
        if len(cells) != len(self.sheet_rows):
            raise ValueError(f"column {key!r} has {len(cells)} cells for {len(self.sheet_rows)} rows")
        if key in self.columns:
            j = self.columns.index(key)
            values = [[*row[:j], cell, *row[j + 1 :]] for row, cell in zip(self.values, cells)]
            return Rows(list(self.columns), list(self.sheet_rows), values)
        return Rows(
            [*self.columns, key], list(self.sheet_rows), [[*row, cell] for row, cell in zip(self.values, cells)]
        )

    def shifted(self, offset: int) -> Rows:
        """The same rows numbered ``offset`` further down (a table cut out of a larger sheet)."""
        return Rows(self.columns, [r + offset for r in self.sheet_rows], self.values)

    def to_frame(self) -> Any:
        """A DataFrame of object columns indexed by sheet row (name 'row'), as the readers once built."""
        import pandas as pd

        return pd.DataFrame(
            self.values, columns=list(self.columns), index=pd.Index(list(self.sheet_rows), name="row"), dtype=object
        )

    @classmethod
    def concat(cls, parts: Sequence[Rows], columns: Sequence[str]) -> Rows:
        """Rows of several tables under one set of columns (missing cells None); row numbers kept."""
        out = cls(list(columns))
        for part in parts:
            where = [part.columns.index(k) if k in part.columns else -1 for k in columns]
            for r, row in zip(part.sheet_rows, part.values):
                out.sheet_rows.append(r)
                out.values.append([row[j] if j >= 0 else None for j in where])
        return out
