"""A contract engine for ``XlwingsPort``: objects shaped as xlwings' App, Books, Book, Sheets, Sheet,
Range and Font (``xlwings/main.py``) over an openpyxl workbook, following Excel's own rules where
icx depends on them. It stands for Excel, not for icx: no Excel runs on the machines that test icx.

Its rules, each one Excel's:

- **Typed input.** A string handed to a cell is read as if typed (``typed_input``): numbers (leading
  zeros dropped, thousands separators, exponents, "(5)"), percentages, money with a currency sign,
  dates and times, TRUE/FALSE, error literals and formulas ("=", "+", "-", "@"). A leading
  apostrophe keeps the rest as text; Excel keeps the apostrophe as the prefix character, not text.
- **Values read back**: numbers as floats, cells with a date format as datetimes, errors as "#N/A"
  strings with ``err_to_str`` (else None), formulas as the result the file holds. On the Windows
  flavour a cell formatted as Currency or Accounting comes back as ``Decimal`` with four decimals
  (pywin32's VT_CY); a datetime written into a General cell gets a date format.
- **Protection**: a protected sheet refuses values in locked cells, and cell formatting, column
  widths and row heights unless its Allow* flags allow them; ``Protect``/``Unprotect`` change it
  as Excel does (Protect's omitted flags are Excel's defaults).
- **Sheet names** are unique ignoring case. xlwings adds a sheet, then renames it: a taken name
  raises and leaves the new sheet behind under Excel's default name.
- **api**: the Windows flavour answers Excel's COM names (``ProtectContents``, ``Protect``,
  ``ActiveWindow`` …), the Mac flavour appscript's (``protect_contents.get()``,
  ``protect_worksheet(...)``, ``active_window`` …); each raises AttributeError on the other's
  names, as pywin32 and appscript do.
- **Round trips**: each read or write of a property, and each method call, that goes to Excel
  is counted in ``Excel.trips`` (building a Range object is not), with the chunking xlwings
  applies to large value reads and writes.

``test_xlengine_drift.py`` holds every public member here to the installed xlwings (main.py, the
Windows and the Mac engine, the Mac AppleScript dictionary). Members that are the engine's own
(opening, saving, what the user saw) live on ``Excel``, which xlwings does not have.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import numbers
import re
import sys
import types
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel
from xlwings.base_classes import DEFAULT_MAX_CELLS_PER_READ, DEFAULT_MAX_CELLS_PER_WRITE
from xlwings.main import _horizontal_alignment, _vertical_alignment

WINDOWS, MAC = "windows", "mac"
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
MAC_MAX_CELLS_PER_READ = 1_500_000  # xlwings/_xlmac.py: Range.max_cells_per_read
DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT = "yyyy/m/d", "yyyy/m/d h:mm", "h:mm"  # Excel's zh-CN defaults
Area = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)
OPENPYXL_HORIZONTAL = {  # openpyxl's names → xlwings'
    "general": "general",
    "left": "left",
    "center": "center",
    "right": "right",
    "fill": "fill",
    "justify": "justify",
    "centerContinuous": "center_across_selection",
    "distributed": "distributed",
}


class Refused(Exception):
    """Excel said no (pywintypes.com_error on Windows, appscript's CommandError on a Mac)."""


class Keyword:
    """An AppleScript enumerator as appscript names it (``k.landscape``)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"k.{self.name}"


class _Keywords:
    def __getattr__(self, name: str) -> Keyword:
        return Keyword(name)


def stand_in_for_appscript() -> None:
    """appscript exists only on a Mac; the port takes nothing from it but its keyword namespace
    ``k``, which this stands in for where appscript is missing."""
    try:
        import appscript  # noqa: F401
    except ImportError:
        module = types.ModuleType("appscript")
        module.k = _Keywords()  # type: ignore[attr-defined]
        sys.modules["appscript"] = module


stand_in_for_appscript()


# --- typed input ---------------------------------------------------------------------------------
NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")
CURRENCY = re.compile(r"^([¥￥$€£])\s*(.+)$")
YMD = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
MD = re.compile(r"^(\d{1,2})[-/](\d{1,2})$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _number(text: str) -> float | None:
    if not text or not any(ch.isdigit() for ch in text) or not NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


TEXT, FORMULA, VALUE = "text", "formula", "value"


def typed_input(text: str, today: dt.date | None = None) -> tuple[Any, str | None, str]:
    """What Excel makes of ``text`` typed into a cell: (value, the number format it gives a General
    cell or None, TEXT / FORMULA / VALUE)."""
    if text.startswith("'"):
        return text[1:], None, TEXT
    if text.startswith(("=", "@")):
        return (text if text.startswith("=") else "=" + text[1:]), None, FORMULA
    s = text.strip()
    if s.upper() in ("TRUE", "FALSE"):
        return s.upper() == "TRUE", None, VALUE
    if s.upper() in ERRORS:
        return s.upper(), None, VALUE
    number = _number(s)
    if number is not None:
        return number, ("#,##0" if "," in s else None), VALUE
    inner = _number(s[1:-1]) if s.startswith("(") and s.endswith(")") else None
    if inner is not None:
        return -inner, "#,##0_);(#,##0)", VALUE
    percent = _number(s[:-1].strip()) if s.endswith("%") else None
    if percent is not None:
        return percent / 100, ("0.00%" if "." in s else "0%"), VALUE
    money = CURRENCY.match(s)
    amount = _number(money[2]) if money else None
    if money and amount is not None:
        return amount, f"{money[1]}#,##0" + (".00" if "." in money[2] else ""), VALUE
    if text.startswith(("+", "-")) and len(s) > 1:
        return "=" + text, None, FORMULA  # "-abc" is a formula (#NAME?), as typed
    ymd, md = YMD.match(s), MD.match(s)
    if ymd or md:
        year = int(ymd[1]) if ymd else (today or dt.date.today()).year
        month, day = (int(ymd[2]), int(ymd[3])) if ymd else (int(md[1]), int(md[2]))
        try:
            return dt.datetime(year, month, day), (DATE_FORMAT if ymd else "m月d日"), VALUE
        except ValueError:
            return text, None, TEXT
    m = TIME.match(s)
    if m and int(m[1]) < 24 and int(m[2]) < 60:
        return (int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0)) / 86400, TIME_FORMAT, VALUE
    return text, None, TEXT


def is_currency_format(fmt: str) -> bool:
    """Excel's Currency and Accounting formats: a currency sign outside quotes, or a [$¥-804] locale."""
    bare = re.sub(r'"[^"]*"', "", fmt or "")
    return "[$" in bare or any(sign in bare for sign in "¥￥$€£")


# --- the engine's own side: opening, saving, what the user saw ------------------------------------
class Excel:
    """One Excel: the flavour (``WINDOWS`` or ``MAC``), its open books, the round trips counted,
    the messages and status lines the user saw, the folder its folder dialog would pick."""

    def __init__(self, flavour: str = WINDOWS, picked_folder: Path | None = None):
        assert flavour in (WINDOWS, MAC)
        self.flavour = flavour
        self.trips: Counter[str] = Counter()
        self.alerts: list[tuple[str | None, str]] = []
        self.status_lines: list[str | None] = []
        self.status: str | None = None
        self.opened: list[Path] = []
        self.picked_folder = picked_folder
        self.books: list[Book] = []
        self.window = _Window(self)
        self.app = App(self)

    @property
    def mac(self) -> bool:
        return self.flavour == MAC

    def trip(self, what: str, count: int = 1) -> None:
        self.trips[what] += count

    @property
    def total_trips(self) -> int:
        return sum(self.trips.values())

    def open(self, path: str | Path) -> Book:
        """A workbook file opened in this Excel (formula results as the file caches them)."""
        path = Path(path)
        wb = openpyxl.load_workbook(path)
        values = openpyxl.load_workbook(path, data_only=True)
        cached = {
            ws.title: {
                (cell.row, cell.column): values[ws.title].cell(cell.row, cell.column).value
                for row in ws.iter_rows()
                for cell in row
                if cell.data_type == "f"
            }
            for ws in wb
        }
        book = Book(self, wb, path, cached)
        self.books.append(book)
        return book

    def save(self, book: Book, path: str | Path) -> Path:
        book._wb.save(path)
        return Path(path)


class _Window:
    """Excel's active window: which sheet shows and how its panes are split and frozen."""

    def __init__(self, excel: Excel):
        self.excel = excel
        self.sheet: Sheet | None = None
        self.split_row = 0
        self.split_column = 0
        self.frozen = False

    def freeze(self, on: bool) -> None:
        self.frozen = on
        if self.sheet is not None:
            ws = self.sheet._ws
            if on and (self.split_row or self.split_column):
                ws.freeze_panes = f"{get_column_letter(self.split_column + 1)}{self.split_row + 1}"
            else:
                ws.freeze_panes = None


# --- xlwings-shaped objects --------------------------------------------------------------------------
class App:
    """xlwings.App: messages, the status bar, the books, and ``api`` (COM or appscript)."""

    def __init__(self, excel: Excel):
        self._excel = excel

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None:
        self._excel.trip("App.alert")
        self._excel.alerts.append((title, prompt))
        return "ok"

    @property
    def status_bar(self) -> str | bool:
        self._excel.trip("App.status_bar get")
        return self._excel.status or False

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._excel.trip("App.status_bar set")
        self._excel.status = None if value is False else str(value)
        self._excel.status_lines.append(self._excel.status)

    @property
    def books(self) -> Books:
        return Books(self._excel)

    @property
    def api(self) -> Any:
        return _AppleApp(self._excel) if self._excel.mac else _ComApp(self._excel)


class Books:
    """xlwings.Books: only ``open`` (a file icx wrote, shown to the user)."""

    def __init__(self, excel: Excel):
        self._excel = excel

    def open(
        self,
        fullname: str | Path | None = None,
        update_links: bool | None = None,
        read_only: bool | None = None,
    ) -> Book:
        self._excel.trip("Books.open")
        assert fullname is not None
        self._excel.opened.append(Path(fullname))
        return self._excel.open(fullname)


class Book:
    """xlwings.Book over an openpyxl workbook."""

    def __init__(self, excel: Excel, wb: openpyxl.Workbook, path: Path | None, cached: dict[str, dict]):
        self._excel = excel
        self._wb = wb
        self._path = path
        self._cached = cached

    @property
    def name(self) -> str:
        self._excel.trip("Book.name")
        return self._path.name if self._path else "Book1"

    @property
    def fullname(self) -> str:
        self._excel.trip("Book.fullname")
        return str(self._path) if self._path else "Book1"

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def app(self) -> App:
        return self._excel.app


class Sheets:
    """xlwings.Sheets: names looked up ignoring case, as Excel does."""

    def __init__(self, book: Book):
        self._book = book

    def _all(self) -> list[Sheet]:
        return [Sheet(self._book, ws) for ws in self._book._wb.worksheets]

    def __len__(self) -> int:
        self._book._excel.trip("Sheets.count")
        return len(self._book._wb.worksheets)

    def __iter__(self):
        self._book._excel.trip("Sheets.count")
        for sheet in self._all():
            self._book._excel.trip("Sheets.item")
            yield sheet

    def __getitem__(self, key: int | str) -> Sheet:
        self._book._excel.trip("Sheets.item")
        sheets = self._all()
        if isinstance(key, int):
            return sheets[key]
        for sheet in sheets:
            if sheet._ws.title.lower() == key.lower():
                return sheet
        raise Refused(f"no sheet {key!r}")

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        """As xlwings does it: Excel adds "SheetN" where asked, then xlwings renames it."""
        wb = self._book._wb
        self._book._excel.trip("Sheets.add", 3)  # Add, Count and Move (xlwings' "after" work-around)
        taken = {ws.title.lower() for ws in wb.worksheets}
        n = 1
        while f"sheet{n}" in taken:
            n += 1
        index = len(wb.worksheets)
        if after is not None:
            index = wb.worksheets.index(after._ws) + 1
        elif before is not None:
            index = wb.worksheets.index(before._ws)
        ws = wb.create_sheet(f"Sheet{n}", index)
        sheet = Sheet(self._book, ws)
        if name is not None:
            sheet.name = name
        return sheet


class Sheet:
    """xlwings.Sheet."""

    def __init__(self, book: Book, ws: Any):
        self._book = book
        self._ws = ws

    @property
    def _excel(self) -> Excel:
        return self._book._excel

    @property
    def name(self) -> str:
        self._excel.trip("Sheet.name get")
        return self._ws.title

    @name.setter
    def name(self, value: str) -> None:
        self._excel.trip("Sheet.name set")
        others = {ws.title.lower() for ws in self._book._wb.worksheets if ws is not self._ws}
        if value.lower() in others or len(value) > 31 or re.search(r"[\\/?*\[\]:]", value):
            raise Refused(f"the sheet name {value!r} is taken or not allowed")
        self._ws.title = value

    @property
    def book(self) -> Book:
        return self._book

    def range(self, cell1: str | tuple[int, int] | Range, cell2: str | tuple[int, int] | Range | None = None) -> Range:
        return Range(self, _areas(cell1, cell2))

    @property
    def used_range(self) -> Range:
        self._excel.trip("Sheet.used_range")
        return Range(self, [(1, 1, max(self._ws.max_row, 1), max(self._ws.max_column, 1))])

    def delete(self) -> None:
        self._excel.trip("Sheet.delete", 3)  # DisplayAlerts off, Delete, DisplayAlerts back
        if len(self._book._wb.worksheets) == 1:
            raise Refused("a workbook keeps at least one sheet")
        if self._excel.window.sheet is not None and self._excel.window.sheet._ws is self._ws:
            self._excel.window.sheet = None
        self._book._wb.remove(self._ws)

    def activate(self) -> None:
        self._excel.trip("Sheet.activate")
        self._excel.window.sheet = self
        self._excel.window.split_row = self._excel.window.split_column = 0

    @property
    def api(self) -> Any:
        return _AppleSheet(self) if self._excel.mac else _ComSheet(self)

    # --- Excel's rules for this sheet (private) ---
    def _refuse_format(self, allow: str) -> None:
        p = self._ws.protection
        if p.sheet and getattr(p, allow):
            raise Refused(f"{self._ws.title} is protected: {allow} is not allowed")


def _area_of(ref: str) -> Area:
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return min_row, min_col, max_row, max_col


def _areas(cell1: Any, cell2: Any) -> list[Area]:
    if isinstance(cell1, Range):
        first = cell1._areas[0]
        if cell2 is None:
            return list(cell1._areas)
        last = cell2._areas[0] if isinstance(cell2, Range) else (*cell2, *cell2)
        return [(first[0], first[1], last[2], last[3])]
    if isinstance(cell1, tuple):
        if 0 in cell1:
            raise IndexError("Attempted to access 0-based Range. xlwings/Excel Ranges are 1-based.")
        last = cell2 if cell2 is not None else cell1
        if isinstance(last, Range):
            last = (last._areas[0][2], last._areas[0][3])
        return [(cell1[0], cell1[1], last[0], last[1])]
    if cell2 is not None:
        a, b = (
            _area_of(cell1),
            _area_of(cell2 if isinstance(cell2, str) else f"{get_column_letter(cell2[1])}{cell2[0]}"),
        )
        return [(a[0], a[1], b[2], b[3])]
    return [_area_of(part.strip()) for part in cell1.split(",")]


class Range:
    """xlwings.Range over one area, or several ("A1,B7") where Excel takes them (formats, fills)."""

    def __init__(self, sheet: Sheet, areas: list[Area], options: dict[str, Any] | None = None):
        self._sheet = sheet
        self._areas = areas
        self._options = options or {}

    @property
    def _excel(self) -> Excel:
        return self._sheet._excel

    @property
    def _ws(self) -> Any:
        return self._sheet._ws

    def _cells(self) -> list[tuple[int, int]]:
        return [(r, c) for r1, c1, r2, c2 in self._areas for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def options(self, convert: Any = None, **options: Any) -> Range:
        if convert is not None or set(options) - {"ndim", "err_to_str"}:
            raise NotImplementedError(f"the engine reads plain values only, not {convert or options}")
        return Range(self._sheet, self._areas, options)

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def row(self) -> int:
        self._excel.trip("Range.row")
        return self._areas[0][0]

    @property
    def column(self) -> int:
        self._excel.trip("Range.column")
        return self._areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        self._excel.trip("Range.shape", 2)
        r1, c1, r2, c2 = self._areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def last_cell(self) -> Range:
        self._excel.trip("Range.last_cell", 2)
        _, _, r2, c2 = self._areas[0]
        return Range(self._sheet, [(r2, c2, r2, c2)])

    # --- values ---
    def _read(self, r: int, c: int, err_to_str: bool) -> Any:
        cell = self._ws._cells.get((r, c))
        if cell is None:
            return None
        value, error = cell.value, cell.data_type == "e"
        if cell.data_type == "f":
            value = self._sheet._book._cached.get(self._ws.title, {}).get((r, c))
            error = value in ERRORS
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if error:
            return value if err_to_str else None
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        if isinstance(value, dt.time):
            return dt.datetime(1899, 12, 30, value.hour, value.minute, value.second)
        if isinstance(value, (int, float, Decimal)):
            number = float(value)
            if is_date_format(cell.number_format):
                return from_excel(number)
            if not self._excel.mac and is_currency_format(cell.number_format):
                return Decimal(str(round(number, 4)))  # VT_CY: a 64-bit integer of ten-thousandths
            return number
        return value

    @property
    def value(self) -> Any:
        r1, c1, r2, c2 = self._areas[0]
        err_to_str = bool(self._options.get("err_to_str"))
        budget = MAC_MAX_CELLS_PER_READ if self._excel.mac else DEFAULT_MAX_CELLS_PER_READ
        chunks = max(1, math.ceil((r2 - r1 + 1) * (c2 - c1 + 1) / budget))
        # A Mac answers errors only through a second read (string_value), xlwings/_xlmac.py.
        self._excel.trip("Range.value get", chunks * (2 if self._excel.mac and err_to_str else 1))
        rows = [[self._read(r, c, err_to_str) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        r1, c1, r2, c2 = self._areas[0]
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
            rows = [list(row) for row in data]
        elif isinstance(data, (list, tuple)):
            rows = [list(data)]
        else:
            rows = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        cells = len(rows) * max(len(row) for row in rows)
        self._excel.trip("Range.value set", max(1, math.ceil(cells / DEFAULT_MAX_CELLS_PER_WRITE)))
        p = self._ws.protection
        for i, row in enumerate(rows):
            for j, item in enumerate(row):
                r, c = r1 + i, c1 + j
                if p.sheet and self._ws.cell(r, c).protection.locked:
                    raise Refused(f"{self._ws.title}!{get_column_letter(c)}{r} is locked on a protected sheet")
                self._write(r, c, item)

    def _write(self, r: int, c: int, item: Any) -> None:
        cell = self._ws.cell(r, c)
        cached = self._sheet._book._cached.setdefault(self._ws.title, {})
        cached.pop((r, c), None)
        fmt, kind = None, VALUE
        if item is None or item == "":
            value: Any = None
        elif isinstance(item, str):
            value, fmt, kind = typed_input(item)
            if kind == FORMULA:
                cell.value = value
                cached[(r, c)] = None  # Excel would compute it; the engine does not
                return
        elif isinstance(item, bool):
            value = item
        elif isinstance(item, numbers.Real):
            value = float(item)
        elif isinstance(item, dt.datetime):
            value, fmt = item, (DATE_FORMAT if item.time() == dt.time() else DATETIME_FORMAT)
        elif isinstance(item, dt.date):
            value, fmt = dt.datetime(item.year, item.month, item.day), DATE_FORMAT
        else:
            raise TypeError(f"Excel takes no {type(item).__name__}")
        cell.value = value
        if kind == TEXT:
            cell.data_type = "s"  # text, whatever it looks like ("=…", "#N/A")
        if fmt and cell.number_format == "General":
            cell.number_format = fmt

    @property
    def formula(self) -> str | tuple[tuple[str, ...], ...]:
        self._excel.trip("Range.formula get")
        r1, c1, r2, c2 = self._areas[0]

        def text(r: int, c: int) -> str:
            cell = self._ws._cells.get((r, c))
            if cell is None or cell.value is None:
                return ""
            if isinstance(cell.value, bool):
                return "TRUE" if cell.value else "FALSE"
            if isinstance(cell.value, float) and cell.value.is_integer():
                return str(int(cell.value))
            return str(cell.value)

        rows = tuple(tuple(text(r, c) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    # --- formats ---
    @property
    def number_format(self) -> str:
        self._excel.trip("Range.number_format get")
        r1, c1, _, _ = self._areas[0]
        return self._ws.cell(r1, c1).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._excel.trip("Range.number_format set")
        self._sheet._refuse_format("formatCells")
        for r, c in self._cells():
            self._ws.cell(r, c).number_format = value

    @property
    def color(self) -> tuple[int, int, int] | None:
        """As xlwings reads it: Interior.ColorIndex, then Interior.Color unless there is no fill.
        Excel answers Null for cells that differ, and xlwings' int_to_rgb(None) raises TypeError."""
        self._excel.trip("Range.color get")
        fills = set()
        for r, c in self._cells():
            cell = self._ws._cells.get((r, c))
            fill = cell.fill if cell is not None else None
            solid = fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str)
            fills.add(fill.fgColor.rgb[-6:].upper() if solid else None)
        if fills == {None}:
            return None
        self._excel.trip("Range.color get")
        if len(fills) > 1:
            raise TypeError("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
        (hex_rgb,) = fills
        return int(hex_rgb[0:2], 16), int(hex_rgb[2:4], 16), int(hex_rgb[4:6], 16)

    @color.setter
    def color(self, color_or_rgb: tuple[int, int, int] | None) -> None:
        self._excel.trip("Range.color set")
        self._sheet._refuse_format("formatCells")
        fill = (
            PatternFill(fill_type=None)
            if color_or_rgb is None
            else PatternFill("solid", fgColor="FF" + "".join(f"{part:02X}" for part in color_or_rgb))
        )
        for r, c in self._cells():
            self._ws.cell(r, c).fill = fill

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def wrap_text(self) -> bool | None:
        self._excel.trip("Range.wrap_text get")
        r1, c1, _, _ = self._areas[0]
        return bool(self._ws.cell(r1, c1).alignment.wrap_text)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._excel.trip("Range.wrap_text set")
        self._sheet._refuse_format("formatCells")
        for r, c in self._cells():
            cell = self._ws.cell(r, c)
            cell.alignment = Alignment(**{**_alignment(cell), "wrap_text": value})

    def _align(self, **change: Any) -> None:
        self._excel.trip("Range.alignment set")
        self._sheet._refuse_format("formatCells")
        for r, c in self._cells():
            cell = self._ws.cell(r, c)
            cell.alignment = Alignment(**{**_alignment(cell), **change})

    @property
    def horizontal_alignment(self) -> str | None:
        self._excel.trip("Range.horizontal_alignment get")
        r1, c1, _, _ = self._areas[0]
        return OPENPYXL_HORIZONTAL.get(self._ws.cell(r1, c1).alignment.horizontal or "general")

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        value = _horizontal_alignment(value)  # what main.py lets through
        self._align(horizontal={v: k for k, v in OPENPYXL_HORIZONTAL.items()}[value])

    @property
    def vertical_alignment(self) -> str | None:
        self._excel.trip("Range.vertical_alignment get")
        r1, c1, _, _ = self._areas[0]
        return self._ws.cell(r1, c1).alignment.vertical or "bottom"

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        self._align(vertical=_vertical_alignment(value))

    @property
    def column_width(self) -> float | None:
        self._excel.trip("Range.column_width get")
        return self._ws.column_dimensions[get_column_letter(self._areas[0][1])].width

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._excel.trip("Range.column_width set")
        self._sheet._refuse_format("formatColumns")
        for _, c1, _, c2 in self._areas:
            for c in range(c1, c2 + 1):
                self._ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def row_height(self) -> float | None:
        self._excel.trip("Range.row_height get")
        return self._ws.row_dimensions[self._areas[0][0]].height

    @row_height.setter
    def row_height(self, value: float) -> None:
        self._excel.trip("Range.row_height set")
        self._sheet._refuse_format("formatRows")
        for r1, _, r2, _ in self._areas:
            for r in range(r1, r2 + 1):
                self._ws.row_dimensions[r].height = value

    def merge(self, across: bool = False) -> None:
        self._excel.trip("Range.merge")
        if self._ws.protection.sheet:
            raise Refused(f"{self._ws.title} is protected: cells cannot be merged")
        for r1, c1, r2, c2 in self._areas:
            filled = [
                (r, c)
                for r in range(r1, r2 + 1)
                for c in range(c1, c2 + 1)
                if (r, c) != (r1, c1) and self._ws._cells.get((r, c)) is not None and self._ws.cell(r, c).value
            ]
            if filled:  # Excel would stop and ask whether to drop those values
                raise Refused(f"merging {self._areas} would drop values")
            self._ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    @property
    def api(self) -> Any:
        return _AppleRange(self) if self._excel.mac else _ComRange(self)

    def _address(self) -> str:
        r1, c1, r2, c2 = self._areas[0]
        return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


def _alignment(cell: Any) -> dict[str, Any]:
    a = cell.alignment
    return {
        "horizontal": a.horizontal,
        "vertical": a.vertical,
        "wrap_text": a.wrap_text,
        "shrink_to_fit": a.shrink_to_fit,
        "indent": a.indent,
        "text_rotation": a.text_rotation,
    }


class Font:
    """xlwings.Font of a range: bold and size."""

    def __init__(self, rng: Range):
        self._range = rng

    def _set(self, **changes: Any) -> None:
        self._range._sheet._refuse_format("formatCells")
        for r, c in self._range._cells():
            cell = self._range._ws.cell(r, c)
            font = copy.copy(cell.font)
            for key, value in changes.items():
                setattr(font, key, value)
            cell.font = font

    @property
    def bold(self) -> bool:
        self._range._excel.trip("Font.bold get")
        r1, c1, _, _ = self._range._areas[0]
        return bool(self._range._ws.cell(r1, c1).font.b)

    @bold.setter
    def bold(self, value: bool) -> None:
        self._range._excel.trip("Font.bold set")
        self._set(b=bool(value))

    @property
    def size(self) -> float:
        self._range._excel.trip("Font.size get")
        r1, c1, _, _ = self._range._areas[0]
        return float(self._range._ws.cell(r1, c1).font.sz or 11)

    @size.setter
    def size(self, value: float) -> None:
        self._range._excel.trip("Font.size set")
        self._set(sz=value)


# --- api: Excel's own object model, as pywin32 (COM) and appscript (AppleScript) expose it --------
# Windows: Excel's VBA object model names (learn.microsoft.com, "Worksheet.Protect method" etc.).
COM_PROTECTION = {  # Protection.Allow… → openpyxl SheetProtection attribute (True there = not allowed)
    "AllowFormattingCells": "formatCells",
    "AllowFormattingColumns": "formatColumns",
    "AllowFormattingRows": "formatRows",
    "AllowInsertingColumns": "insertColumns",
    "AllowInsertingRows": "insertRows",
    "AllowInsertingHyperlinks": "insertHyperlinks",
    "AllowDeletingColumns": "deleteColumns",
    "AllowDeletingRows": "deleteRows",
    "AllowSorting": "sort",
    "AllowFiltering": "autoFilter",
    "AllowUsingPivotTables": "pivotTables",
}
# The same flags in Excel for Mac's AppleScript dictionary (xlwings/mac_dict.py).
APPLE_PROTECTION = {
    "allow_formatting_cells": "formatCells",
    "allow_formatting_columns": "formatColumns",
    "allow_formatting_rows": "formatRows",
    "allow_inserting_columns": "insertColumns",
    "allow_inserting_rows": "insertRows",
    "allow_inserting_hyperlinks": "insertHyperlinks",
    "allow_deleting_columns": "deleteColumns",
    "allow_deleting_rows": "deleteRows",
    "allow_sorting": "sort",
    "allow_filtering": "autoFilter",
    "allow_using_pivot_table": "pivotTables",
}


def _protect(sheet: Sheet, drawing_objects: bool, contents: bool, scenarios: bool, allowed: dict[str, bool]) -> None:
    p = sheet._ws.protection
    p.sheet = bool(contents)
    p.objects = bool(drawing_objects)
    p.scenarios = bool(scenarios)
    for attribute, allow in allowed.items():
        setattr(p, attribute, not allow)


def _unprotect(sheet: Sheet, password: str | None) -> None:
    p = sheet._ws.protection
    if p.password and password is None:
        raise Refused(f"{sheet._ws.title} is protected with a password")
    p.sheet = False


class _Com:
    """A COM object: known members answer, any other name raises AttributeError as pywin32 does."""

    _members: frozenset[str] = frozenset()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"<COMObject>.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(f"Property '<COMObject>.{name}' can not be set.")


class _ComSheet(_Com):
    def __init__(self, sheet: Sheet):
        self._sheet = sheet

    @property
    def ProtectContents(self) -> bool:  # noqa: N802 (COM names)
        self._sheet._excel.trip("Worksheet.ProtectContents")
        return bool(self._sheet._ws.protection.sheet)

    @property
    def ProtectDrawingObjects(self) -> bool:  # noqa: N802
        self._sheet._excel.trip("Worksheet.ProtectDrawingObjects")
        p = self._sheet._ws.protection
        return bool(p.sheet and p.objects)

    @property
    def ProtectScenarios(self) -> bool:  # noqa: N802
        self._sheet._excel.trip("Worksheet.ProtectScenarios")
        p = self._sheet._ws.protection
        return bool(p.sheet and p.scenarios)

    @property
    def Protection(self) -> Any:  # noqa: N802
        self._sheet._excel.trip("Worksheet.Protection")
        return _ComProtection(self._sheet)

    def Protect(  # noqa: N802
        self,
        Password: str | None = None,  # noqa: N803
        DrawingObjects: bool = False,  # noqa: N803 (Excel's defaults, learn.microsoft.com)
        Contents: bool = True,  # noqa: N803
        Scenarios: bool = True,  # noqa: N803
        UserInterfaceOnly: bool = False,  # noqa: N803
        **allow: bool,
    ) -> None:
        self._sheet._excel.trip("Worksheet.Protect")
        unknown = set(allow) - set(COM_PROTECTION)
        if unknown:
            raise TypeError(f"Protect() got unexpected keyword arguments {sorted(unknown)}")
        flags = {COM_PROTECTION[name]: bool(allow.get(name, False)) for name in COM_PROTECTION}
        _protect(self._sheet, DrawingObjects, Contents, Scenarios, flags)

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802, N803
        self._sheet._excel.trip("Worksheet.Unprotect")
        _unprotect(self._sheet, Password)

    @property
    def PageSetup(self) -> Any:  # noqa: N802
        self._sheet._excel.trip("Worksheet.PageSetup")
        return _ComPageSetup(self._sheet)


def _set_page(ws: Any, name: str, value: Any) -> None:
    """One print setting, by its AppleScript name, into the openpyxl sheet."""
    props = ws.sheet_properties.pageSetUpPr
    if name == "page_orientation":
        ws.page_setup.orientation = value
    elif name == "zoom":
        if value is False:
            props.fitToPage = True
        else:
            props.fitToPage = False
            ws.page_setup.scale = int(value)
    elif name == "fit_to_pages_wide":
        ws.page_setup.fitToWidth = 0 if value is False else int(value)
    elif name == "fit_to_pages_tall":
        ws.page_setup.fitToHeight = 0 if value is False else int(value)
    elif name == "print_title_rows":
        ws.print_title_rows = value.replace("$", "")


COM_PAGE_SETUP = {
    "Orientation": "page_orientation",
    "Zoom": "zoom",
    "FitToPagesWide": "fit_to_pages_wide",
    "FitToPagesTall": "fit_to_pages_tall",
    "PrintTitleRows": "print_title_rows",
}


class _ComPageSetup(_Com):
    def __init__(self, sheet: Sheet):
        self._sheet = sheet

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in COM_PAGE_SETUP:
            self._sheet._excel.trip(f"PageSetup.{name}")
            if name == "Orientation":
                value = {1: "portrait", 2: "landscape"}[value]  # xlPortrait, xlLandscape
            _set_page(self._sheet._ws, COM_PAGE_SETUP[name], value)
        else:
            super().__setattr__(name, value)


class _ComProtection(_Com):
    def __init__(self, sheet: Sheet):
        self._sheet = sheet

    def __getattr__(self, name: str) -> Any:
        if name in COM_PROTECTION:
            self._sheet._excel.trip(f"Protection.{name}")
            return not getattr(self._sheet._ws.protection, COM_PROTECTION[name])
        raise AttributeError(f"<COMObject Protection>.{name}")


class _ComRange(_Com):
    def __init__(self, rng: Range):
        self._range = rng

    def AutoFilter(  # noqa: N802
        self,
        Field: int | None = None,  # noqa: N803
        Criteria1: Any = None,  # noqa: N803
        Operator: int = 1,  # noqa: N803
        Criteria2: Any = None,  # noqa: N803
        VisibleDropDown: bool = True,  # noqa: N803
    ) -> None:
        self._range._excel.trip("Range.AutoFilter")
        self._range._sheet._refuse_format("autoFilter")
        self._range._ws.auto_filter.ref = self._range._address()


class _ComApp(_Com):
    def __init__(self, excel: Excel):
        self._excel = excel

    @property
    def ActiveWindow(self) -> Any:  # noqa: N802
        self._excel.trip("Application.ActiveWindow")
        return _ComWindow(self._excel)

    def FileDialog(self, FileDialogType: int) -> Any:  # noqa: N802, N803
        self._excel.trip("Application.FileDialog")
        assert FileDialogType == 4, "msoFileDialogFolderPicker"
        return _ComFileDialog(self._excel)


class _ComWindow(_Com):
    def __init__(self, excel: Excel):
        self._excel = excel

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        window = self._excel.window
        if name == "FreezePanes":
            self._excel.trip("Window.FreezePanes")
            window.freeze(bool(value))
        elif name in ("SplitRow", "SplitColumn"):
            self._excel.trip(f"Window.{name}")
            setattr(window, "split_row" if name == "SplitRow" else "split_column", int(value))
        else:
            super().__setattr__(name, value)


class _ComFileDialog(_Com):
    def __init__(self, excel: Excel):
        self._excel = excel
        self._title = ""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "Title":
            self._excel.trip("FileDialog.Title")
            object.__setattr__(self, "_title", value)
        else:
            super().__setattr__(name, value)

    def Show(self) -> int:  # noqa: N802
        self._excel.trip("FileDialog.Show")
        return -1 if self._excel.picked_folder else 0

    def SelectedItems(self, index: int) -> str:  # noqa: N802
        self._excel.trip("FileDialog.SelectedItems")
        return str(self._excel.picked_folder)


class _AppleRef:
    """An appscript reference: properties are references (no Apple event until get/set), commands
    are calls; any other name raises AttributeError as appscript does."""

    def __init__(self, excel: Excel, what: str, read: Any = None, write: Any = None, children: Any = None):
        self._excel = excel
        self._what = what
        self._read = read
        self._write = write
        self._children = children or {}

    def get(self) -> Any:
        if self._read is None:
            raise AttributeError(f"{self._what} cannot be read")
        self._excel.trip(f"{self._what}.get")
        return self._read()

    def set(self, value: Any) -> None:
        if self._write is None:
            raise AttributeError(f"{self._what} cannot be set")
        self._excel.trip(f"{self._what}.set")
        self._write(value)

    def __getattr__(self, name: str) -> Any:
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]()
        raise AttributeError(f"Unknown property, element or command: '{name}'")


class _AppleSheet(_AppleRef):
    def __init__(self, sheet: Sheet):
        p = sheet._ws.protection
        protection = {
            name: (lambda attr=attr: _AppleRef(sheet._excel, f"protection.{attr}", lambda: not getattr(p, attr)))
            for name, attr in APPLE_PROTECTION.items()
        }

        def page_setting(name: str) -> Any:
            def write(value: Any) -> None:
                if name == "page_orientation":
                    if not isinstance(value, Keyword) or value.name not in ("landscape", "portrait"):
                        raise Refused(f"page_orientation takes k.landscape or k.portrait, not {value!r}")
                    value = value.name
                _set_page(sheet._ws, name, value)

            return lambda: _AppleRef(sheet._excel, f"page_setup.{name}", write=write)

        page = {name: page_setting(name) for name in COM_PAGE_SETUP.values()}
        super().__init__(
            sheet._excel,
            "worksheet",
            children={
                "protect_contents": lambda: _AppleRef(sheet._excel, "protect_contents", lambda: bool(p.sheet)),
                "protect_drawing_objects": lambda: _AppleRef(
                    sheet._excel, "protect_drawing_objects", lambda: bool(p.sheet and p.objects)
                ),
                "protect_scenarios": lambda: _AppleRef(
                    sheet._excel, "protect_scenarios", lambda: bool(p.sheet and p.scenarios)
                ),
                "protection_object": lambda: _AppleRef(sheet._excel, "protection_object", children=protection),
                "page_setup_object": lambda: _AppleRef(sheet._excel, "page_setup_object", children=page),
            },
        )
        self._sheet = sheet

    def unprotect(self, password: str | None = None) -> None:
        self._excel.trip("unprotect")
        _unprotect(self._sheet, password)

    def protect_worksheet(
        self,
        password: str | None = None,
        drawing_objects: bool = True,
        worksheet_contents: bool = True,
        scenarios: bool = True,
        user_interface_only: bool = False,
        **allow: bool,
    ) -> None:
        self._excel.trip("protect_worksheet")
        unknown = set(allow) - set(APPLE_PROTECTION)
        if unknown:
            raise TypeError(f"protect_worksheet() got unexpected keyword arguments {sorted(unknown)}")
        flags = {APPLE_PROTECTION[name]: bool(allow.get(name, False)) for name in APPLE_PROTECTION}
        _protect(self._sheet, drawing_objects, worksheet_contents, scenarios, flags)


class _AppleRange(_AppleRef):
    def __init__(self, rng: Range):
        super().__init__(rng._excel, "range")
        self._range = rng

    def autofilter_range(
        self,
        field: int | None = None,
        criteria1: Any = None,
        operator: Any = None,
        criteria2: Any = None,
        visible_drop_down: bool | None = None,
    ) -> None:
        self._excel.trip("autofilter_range")
        self._range._sheet._refuse_format("autoFilter")
        self._range._ws.auto_filter.ref = self._range._address()


class _AppleApp(_AppleRef):
    def __init__(self, excel: Excel):
        window = excel.window

        def setter(name: str):
            def write(value: Any) -> None:
                if name == "freeze_panes":
                    window.freeze(bool(value))
                else:
                    setattr(window, name, int(value))

            return write

        window_ref = {
            name: (
                lambda name=name: _AppleRef(
                    excel, name, lambda: getattr(window, "frozen" if name == "freeze_panes" else name), setter(name)
                )
            )
            for name in ("freeze_panes", "split_row", "split_column")
        }
        super().__init__(
            excel, "application", children={"active_window": lambda: _AppleRef(excel, "window", children=window_ref)}
        )
