"""A workbook read as plain value grids: sheet name → rows of cell values, anchored at A1.

The one read path for files from units: the checks of ``icx.io.untrusted`` on the zip
directory (size, part count, zip bombs), then python-calamine (Rust, fast, no entity expansion)
on the file's own bytes, then every part's CRC-32. Formulas give their cached value ('' when the
file was never calculated): icx recomputes scores itself and never trusts cached values. Merged
cells carry their value into every cell of the range, so a merged area/owner cell reads the same
on each row it spans.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from icx.core.errors import IcxError, Problem
from icx.io.untrusted import check_directory, check_parts, is_encrypted_package, is_ole, read_untrusted

# What calamine reads (by content, whatever the name says); what a unit may send instead of a
# workbook, which icx lists as not read with what to do.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
LOOKALIKE_SUFFIXES = (".et", ".ett", ".csv", ".numbers", ".pdf", ".doc", ".docx", ".wps", ".xltx", ".xlt", ".ots")
MAX_ROWS = 200_000
MAX_COLUMNS = 500
# How calamine says a part unpacks to more than the zip directory declares (the way a zip bomb
# hides from the directory checks): it stops there and raises this, wrapped in an XmlError.
PAST_DECLARED_SIZE = "larger than its declared uncompressed size"


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
    # Excel error values (#DIV/0!, #N/A…) found in cells: sheet, 'D7', the error (``error_cells``).
    errors: list[tuple[str, str, str]] = field(default_factory=list)

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
    hash it as well); the file is then not read again. A file that cannot be read safely raises
    ``IcxError`` with the problem a user should see (``refusal``).
    """
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in LOOKALIKE_SUFFIXES:
        raise IcxError(Problem.of("file_format_unsupported", params={"suffix": suffix}, file=file))
    if data is None:
        data = read_untrusted(path)
    legacy = is_ole(data) and not is_encrypted_package(data)  # a .xls (BIFF): no zip to check
    if not legacy:
        check_directory(data, file)  # before anything is unpacked
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for broken packages
        # An OLE file calamine cannot open: a damaged .xls, or encrypted in a way not recognised.
        problem = Problem.of("file_encrypted_or_xls", file=file) if legacy else refusal(exc, file)
        raise IcxError(problem) from exc
    try:
        grids = _read_sheets(book, file, sheets)
    finally:
        book.close()
    errors: list[tuple[str, str, str]] = []
    if not legacy:
        from icx.io.error_cells import holds_errors

        # every CRC-32, of the parts calamine read and of the others; sheets with error cells kept
        errors = _restore_errors(grids, data, check_parts(data, file, keep=holds_errors))
    return WorkbookGrid(path, grids, errors)


def _restore_errors(grids: dict[str, Grid], data: bytes, sheets: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """Put each error value calamine read as blank back into its cell, as the text Excel shows
    (readers then refuse it at the cell: a score cell '#DIV/0!' is no score)."""
    from icx.io.error_cells import error_cells

    found: list[tuple[str, str, str]] = []
    for sheet, cells in error_cells(data, sheets).items():
        grid = grids.get(sheet)
        if grid is None:
            continue
        for (r, c), text in sorted(cells.items()):
            if r < len(grid.rows) and c < len(grid.rows[r]) and grid.rows[r][c] in ("", None):
                grid.rows[r][c] = text
                found.append((sheet, cell_ref(r, c), text))
    return found


def _read_sheets(book: python_calamine.CalamineWorkbook, file: str, sheets: list[str] | None) -> dict[str, Grid]:
    try:
        kinds = {meta.name: str(meta.typ).rsplit(".", 1)[-1].lower() for meta in book.sheets_metadata}
    except Exception as exc:
        raise IcxError(refusal(exc, file)) from exc
    grids: dict[str, Grid] = {}
    for name in book.sheet_names:
        if sheets is not None and name not in sheets:
            continue
        if kinds.get(name, "worksheet") != "worksheet":
            continue  # chart and dialog sheets hold no cells
        try:
            sheet = book.get_sheet_by_name(name)  # parses the sheet
        except Exception as exc:  # never skip a sheet: say why it cannot be read
            raise IcxError(refusal(exc, file, name)) from exc
        if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
            raise IcxError(
                Problem.of(
                    "file_zip_bomb", params={"detail": f"{sheet.height}×{sheet.width} cells"}, file=file, sheet=name
                )
            )
        rows = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
        grids[name] = Grid(name, rows, fill_merged(rows, merged))
    return grids


def refusal(exc: Exception, file: str, sheet: str | None = None) -> Problem:
    """The problem a python-calamine error stands for.

    A password-protected package is encrypted; a part that unpacks past its declared size is a
    zip bomb; any other fault of the package (not a zip, a damaged packed stream, a wrong CRC-32,
    a cut-off part: calamine reports these as ZipError, or as XmlError wrapping an "I/O error")
    is a broken file. Only an error in the XML itself (malformed, an unknown entity) makes the
    sheet unreadable. (A packed stream damaged on the way may also unpack past its declared
    size; nothing tells it from a bomb, and either way the file is refused.)
    """
    text = str(exc)
    if isinstance(exc, python_calamine.PasswordError):
        return Problem.of("file_encrypted_or_xls", file=file)
    if PAST_DECLARED_SIZE in text:
        return Problem.of(
            "file_zip_bomb", params={"detail": "a part unpacks past its declared size"}, file=file, sheet=sheet
        )
    broken_package = isinstance(exc, python_calamine.ZipError) or text.startswith("I/O error")
    if sheet is None or broken_package:
        return Problem.of("file_not_xlsx", file=file)
    return Problem.of("sheet_unreadable", params={"detail": type(exc).__name__}, file=file, sheet=sheet)
