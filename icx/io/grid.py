"""A workbook read as plain value grids: sheet name → rows of cell values, anchored at A1.

Read with python-calamine (Rust, fast, no entity expansion) after the checks of
``icx.io.safety``, from the checked parts re-packed without formulas (``values_package``).
Formulas give their cached value ('' when the file was never calculated): icx recomputes
scores itself and never trusts cached values. Merged cells carry their value into every cell of
the range, so a merged area/owner cell reads the same on each row it spans.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from icx.core.errors import IcxError, Problem
from icx.io.safety import read_untrusted, unpack_checked
from icx.io.values_package import values_package

MAX_ROWS = 200_000
MAX_COLUMNS = 500
# Above this many unpacked bytes calamine reads the file as it came, so that a worker never
# holds a big package twice (the parts and their lean copy); real unit workbooks are far smaller.
LEAN_PACKAGE_MAX_BYTES = 64 * 1024 * 1024


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → 'H17'."""
    return f"{column_letter(col)}{row + 1}"


@dataclass
class Grid:
    """One sheet's values; rows[r][c] is cell (r, c), 0-based, '' or None for blank."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    # Cells that got their value from a merged range's top-left cell. A row holding nothing else
    # is blank: a merged area cell spanning empty rows must not invent data rows.
    filled: frozenset[tuple[int, int]] = frozenset()
    # Tables already read from this sheet (``icx.io.table.read_table``): the unit reader and the
    # conflict checker both read the control matrices; the second read is free.
    tables: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    @property
    def height(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self.rows)


@dataclass
class WorkbookGrid:
    """All sheets of a workbook as grids, in file order."""

    path: Path
    sheets: dict[str, Grid]

    def sheet(self, *names: str) -> Grid | None:
        """The first sheet whose name matches one of ``names`` (exact, then normalised, then prefix)."""
        from icx.core.methodology import normalize_word

        for name in names:
            if name in self.sheets:
                return self.sheets[name]
        wanted = [normalize_word(n) for n in names]
        for sheet_name, grid in self.sheets.items():
            if normalize_word(sheet_name) in wanted:
                return grid
        return None

    def sheets_starting(self, *prefixes: str) -> list[Grid]:
        from icx.core.methodology import normalize_word

        keys = [normalize_word(p) for p in prefixes]
        return [g for n, g in self.sheets.items() if any(normalize_word(n).startswith(k) for k in keys)]


def fill_merged(
    rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> frozenset[tuple[int, int]]:
    """Give every cell of each merged range ((r0, c0), (r1, c1), 0-based) its top-left value;
    returns the cells so filled (for ``Grid.filled``).

    Public so that other readers of a sheet (the Excel ribbon's live workbook) fill merges alike.
    """
    filled: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        top_left = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = top_left
                    filled.add((r, c))
    return frozenset(filled)


def load_grid(path: str | Path, sheets: list[str] | None = None, *, data: bytes | None = None) -> WorkbookGrid:
    """Read every sheet (or only those named) of an untrusted workbook as value grids.

    ``data`` is the file's content when the caller has read it already (``read_untrusted``, to
    hash it as well); the file is then not read again.
    """
    path = Path(path)
    if data is None:
        data = read_untrusted(path)
    # The checks unpack a file's parts; calamine then reads them re-packed without formulas
    # (icx uses values only), which spares it both a second inflate and the formula text.
    parts = unpack_checked(path, data)
    package = data
    if parts is not None and sum(len(part.data) for part in parts.values()) <= LEAN_PACKAGE_MAX_BYTES:
        package = values_package(parts)
    del parts  # the unpacked parts are not needed while calamine parses
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package))
    except python_calamine.PasswordError as exc:
        raise IcxError(Problem.of("file_encrypted_or_xls", file=str(path))) from exc
    except Exception as exc:  # calamine raises several error types for broken packages
        raise IcxError(Problem.of("file_not_xlsx", file=str(path))) from exc
    grids: dict[str, Grid] = {}
    try:
        kinds = {meta.name: str(meta.typ).rsplit(".", 1)[-1].lower() for meta in book.sheets_metadata}
        for name in book.sheet_names:
            if sheets is not None and name not in sheets:
                continue
            if kinds.get(name, "worksheet") != "worksheet":
                continue  # chart and dialog sheets hold no cells
            try:
                sheet = book.get_sheet_by_name(name)
            except Exception as exc:  # malformed or hostile XML in this sheet: say so, never skip it
                raise IcxError(
                    Problem.of("sheet_unreadable", params={"detail": type(exc).__name__}, file=str(path), sheet=name)
                ) from exc
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise IcxError(
                    Problem.of(
                        "file_zip_bomb",
                        params={"detail": f"{sheet.height}×{sheet.width} cells"},
                        file=str(path),
                        sheet=name,
                    )
                )
            rows = sheet.to_python(skip_empty_area=False)
            filled = fill_merged(rows, list(sheet.merged_cell_ranges or []))
            grids[name] = Grid(name, rows, filled)
    except IcxError:
        raise
    except Exception as exc:
        raise IcxError(Problem.of("file_not_xlsx", file=str(path))) from exc
    finally:
        book.close()
    return WorkbookGrid(path, grids)
