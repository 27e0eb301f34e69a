"""The look and the mechanics every template sheet shares.

Named styles (input, formula, header…), title rows, a column-driven table writer, dropdowns
bound to defined names, print set-up (A4 landscape, repeated title rows) and sheet protection
(formula cells locked, input cells unlocked, no password). Sheet modules describe their columns;
this module turns them into cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.acceptance import EXCEL_EPOCH, date_range
from icx.core.methodology import Methodology
from icx.io.safety import put_value
from icx.io.shared_formulas import share
from icx.io.specs import ColumnSpec, columns

DATE_RANGE = date_range()  # the serial numbers of the first and last day a date cell may hold

# Fonts a Chinese Windows/WPS installation always has; LibreOffice maps them to the installed CJK font.
FONT = {"zh": "宋体", "en": "Calibri"}
FONT_SIZE = 10

WRAP_TOP = Alignment(vertical="top", wrap_text=True)
HEADER_FILL = "DDEBF7"
FORMULA_HEADER_FILL = "E2EFDA"
GROUP_FILL = "BDD7EE"
FORMULA_FILL = "F2F2F2"
LOCKED_FILL = "F2F2F2"
NOTE_COLOR = "595959"
BORDER_COLOR = "BFBFBF"

# Named styles (shown in Excel's style gallery); one per kind of cell.
INPUT = "icx 填写 input"
INPUT_TEXT = "icx 填写文本 input text"
FORMULA = "icx 公式 formula"
HEADER = "icx 表头 header"
FORMULA_HEADER = "icx 公式表头 formula header"
GROUP = "icx 分组 group"
TITLE = "icx 标题 title"
NOTE = "icx 说明 note"
SECTION = "icx 小标题 section"
LOCKED = "icx 固定值 fixed"


@dataclass
class Book:
    """A workbook being built: language, methodology and the defined names made so far."""

    wb: Workbook
    lang: i18n.Lang
    methodology: Methodology
    names: dict[str, str] = field(default_factory=dict)  # defined name → "'Sheet'!$A$1:$A$9"

    def label(self, key: str, **values: Any) -> str:
        text = i18n.label(key, self.lang)
        return text.format(**values) if values else text

    def sheet_name(self, key: str) -> str:
        entry = i18n.section("sheets")[key]
        return entry[self.lang]

    def define(self, name: str, ws: Worksheet, ref: str) -> str:
        """A workbook-level defined name for ``ref`` ('$B$5:$B$9') on ``ws``; returns the name."""
        target = f"{quote_sheetname(ws.title)}!{ref}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=target)
        self.names[name] = target
        return name

    def choices(self, key: str) -> list[str]:
        """The values of a dropdown list in this book's language."""
        return [entry[self.lang] for entry in i18n.section("choices")[key]]


def new_book(lang: i18n.Lang, methodology: Methodology) -> Book:
    wb = Workbook()
    wb.remove(wb.active)
    _add_styles(wb, lang)
    return Book(wb, lang, methodology)


def _add_styles(wb: Workbook, lang: i18n.Lang) -> None:
    thin = Side(style="thin", color=BORDER_COLOR)
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = FONT[lang]
    wrap_top = Alignment(vertical="top", wrap_text=True)
    styles = [
        NamedStyle(
            INPUT,
            font=Font(name=font, size=FONT_SIZE),
            border=box,
            alignment=Alignment(vertical="top"),
            protection=Protection(locked=False),
        ),
        NamedStyle(
            INPUT_TEXT,
            font=Font(name=font, size=FONT_SIZE),
            border=box,
            alignment=wrap_top,
            protection=Protection(locked=False),
        ),
        NamedStyle(
            FORMULA,
            font=Font(name=font, size=FONT_SIZE),
            border=box,
            alignment=Alignment(vertical="top"),
            fill=PatternFill("solid", fgColor=FORMULA_FILL),
            protection=Protection(locked=True),
        ),
        NamedStyle(
            LOCKED,
            font=Font(name=font, size=FONT_SIZE),
            border=box,
            alignment=wrap_top,
            fill=PatternFill("solid", fgColor=LOCKED_FILL),
            protection=Protection(locked=True),
        ),
        NamedStyle(
            HEADER,
            font=Font(name=font, size=FONT_SIZE, bold=True),
            border=box,
            fill=PatternFill("solid", fgColor=HEADER_FILL),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle(
            FORMULA_HEADER,
            font=Font(name=font, size=FONT_SIZE, bold=True),
            border=box,
            fill=PatternFill("solid", fgColor=FORMULA_HEADER_FILL),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle(
            GROUP,
            font=Font(name=font, size=FONT_SIZE, bold=True),
            border=box,
            fill=PatternFill("solid", fgColor=GROUP_FILL),
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
        NamedStyle(TITLE, font=Font(name=font, size=14, bold=True), alignment=Alignment(vertical="center")),
        NamedStyle(
            NOTE,
            font=Font(name=font, size=FONT_SIZE, color=NOTE_COLOR),
            alignment=Alignment(vertical="top", wrap_text=True),
        ),
        NamedStyle(SECTION, font=Font(name=font, size=11, bold=True), alignment=Alignment(vertical="center")),
    ]
    for style in styles:
        wb.add_named_style(style)


# --- columns and tables ---------------------------------------------------------------------------
Formula = Callable[[int], str]  # 1-based sheet row → formula text starting with "="


@dataclass
class Column:
    """One column of a template table."""

    key: str
    header: str
    width: float = 12
    formula: Formula | None = None  # a formula column (locked, grey); None = an input column
    wrap: bool = False  # long text: wrap in the cell
    number_format: str | None = None
    hidden: bool = False
    validation: Validation | None = None
    group: str = ""  # label of the group row above the header (merged over equal neighbours)

    @property
    def is_formula(self) -> bool:
        return self.formula is not None


@dataclass(frozen=True)
class Validation:
    """Data validation for a column: a list bound to a defined name, a number range or a date."""

    kind: str  # "list" | "decimal" | "whole" | "date" | "custom" | "text_length"
    source: str = ""  # defined name for lists; for "custom" a formula (no "=") on the range's top-left cell
    low: float | None = None
    high: float | None = None
    strict: bool = True  # False: dropdown is a suggestion, other entries allowed
    prompt: str = ""
    error: str = ""
    warning: bool = False  # an alert that lets the entry through after asking (职责: other duties allowed)


def spec(table: str, key: str) -> ColumnSpec:
    return next(s for s in columns(table) if s.key == key)


def header(table: str, key: str, lang: i18n.Lang, n: int | None = None) -> str:
    return spec(table, key).header(lang, n)


@dataclass
class TablePlacement:
    """Where a written table sits: header row and first data row (1-based), column letters by key."""

    header_row: int
    first_row: int
    last_row: int
    letters: dict[str, str]

    def ref(self, key: str, absolute: bool = True) -> str:
        col = self.letters[key]
        if absolute:
            return f"${col}${self.first_row}:${col}${self.last_row}"
        return f"{col}{self.first_row}:{col}{self.last_row}"


def title_rows(ws: Worksheet, title: str, note: str, width: int) -> None:
    """Row 1: the sheet title; row 2: a short note on how to fill it in (both merged across)."""
    ws.cell(row=1, column=1, value=title).style = TITLE
    ws.cell(row=2, column=1, value=note).style = NOTE
    last = get_column_letter(max(width, 1))
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[1].height = 24
    ws.row_dimensions[2].height = 42


def write_table(
    book: Book,
    ws: Worksheet,
    cols: Sequence[Column],
    *,
    header_row: int,
    rows: int,
    first_col: int = 1,
    group_row: int | None = None,
) -> TablePlacement:
    """Header, styled empty rows with their formulas, widths and validations; returns the placement."""
    letters = {}
    first_row, last_row = header_row + 1, header_row + rows
    for i, col in enumerate(cols):
        c = first_col + i
        letter = get_column_letter(c)
        letters[col.key] = letter
        cell = ws.cell(row=header_row, column=c, value=col.header)
        cell.style = FORMULA_HEADER if col.is_formula else HEADER
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        if col.hidden:
            dim.hidden = True
            dim.outlineLevel = 1
        style = FORMULA if col.is_formula else (INPUT_TEXT if col.wrap else INPUT)
        for r in range(first_row, last_row + 1):
            target = ws.cell(row=r, column=c)
            target.style = style
            if col.wrap and col.is_formula:  # a formula's long text wraps (in print it would run onto the next page)
                target.alignment = WRAP_TOP
            if col.formula is not None:
                target.value = col.formula(r)
            if col.number_format:
                target.number_format = col.number_format
        if col.formula is not None:
            share(ws, letter, first_row, last_row, col.formula)
        if col.validation is not None:
            add_validation(ws, f"{letter}{first_row}:{letter}{last_row}", col.validation, book.lang)
    if group_row is not None:
        _group_row(ws, cols, group_row, first_col)
    ws.row_dimensions[header_row].height = 40
    return TablePlacement(header_row, first_row, last_row, letters)


def _group_row(ws: Worksheet, cols: Sequence[Column], row: int, first_col: int) -> None:
    start = 0
    for i in range(1, len(cols) + 1):
        if i == len(cols) or cols[i].group != cols[start].group:
            if cols[start].group:
                ws.cell(row=row, column=first_col + start, value=cols[start].group)
                for c in range(first_col + start, first_col + i):
                    ws.cell(row=row, column=c).style = GROUP
                if i - start > 1:
                    ws.merge_cells(
                        start_row=row, start_column=first_col + start, end_row=row, end_column=first_col + i - 1
                    )
            start = i


def add_validation(ws: Worksheet, ref: str, v: Validation, lang: i18n.Lang) -> DataValidation:
    title = i18n.label("tpl_prompt_title", lang)
    if v.kind == "list":
        dv = DataValidation(type="list", formula1=v.source, allow_blank=True)
    elif v.kind in ("decimal", "whole"):
        if v.high is None:
            dv = DataValidation(type=v.kind, operator="greaterThanOrEqual", formula1=_num(v.low), allow_blank=True)
        else:
            dv = DataValidation(
                type=v.kind, operator="between", formula1=_num(v.low), formula2=_num(v.high), allow_blank=True
            )
    elif v.kind == "date":
        first, last = DATE_RANGE
        dv = DataValidation(type="date", operator="between", formula1=str(first), formula2=str(last), allow_blank=True)
    elif v.kind == "custom":
        dv = DataValidation(type="custom", formula1=v.source, allow_blank=True)
    elif v.kind == "text_length":
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=_num(v.high), allow_blank=True)
    else:
        raise ValueError(f"unknown validation kind {v.kind!r}")
    dv.showErrorMessage = v.strict or v.warning
    dv.errorStyle = "warning" if v.warning else "stop"
    prompt, error = v.prompt or _default_text(v, "prompt", lang), v.error or _default_text(v, "error", lang)
    if error and dv.showErrorMessage:
        dv.error = error[:255]  # Excel's limit for an alert
        dv.errorTitle = i18n.label("tpl_error_title", lang)
    if prompt:
        dv.showInputMessage = True
        dv.promptTitle = title
        dv.prompt = prompt[:255]  # Excel's limit for a prompt
    dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def _default_text(v: Validation, part: str, lang: i18n.Lang) -> str:
    """The input message or error alert a validation gets when its column names none: every
    input column says what it takes while typing, and why an entry was refused."""
    if v.kind == "list":
        key = "list" if v.strict else "suggest"
        return i18n.label(f"tpl_{part}_{key}", lang) if part == "prompt" or v.strict else ""
    if v.kind in ("decimal", "whole"):
        low, high = _num(v.low), (_num(v.high) if v.high is not None else None)
        if high is not None:
            bounds = f"（{low}–{high}）" if lang == "zh" else f" ({low}–{high})"
        else:
            bounds = f"（不小于{low}）" if lang == "zh" else f" (not below {low})"
        return i18n.label(f"tpl_{part}_number", lang).format(range=bounds)
    if v.kind == "date":
        first, last = (EXCEL_EPOCH + dt.timedelta(days=d) for d in DATE_RANGE)
        return i18n.label(f"tpl_{part}_date", lang).format(first=first.year, last=last.year)
    return ""


def _num(value: float | None) -> str:
    if value is None:
        return "0"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def fill_rows(ws: Worksheet, placement: TablePlacement, records: Iterable[dict[str, Any]]) -> int:
    """Write records (dicts keyed by column key) into the input cells of a placed table.

    Formula columns are never overwritten; text is written as text. Returns the rows written.
    """
    n = 0
    for n, record in enumerate(records, start=1):
        r = placement.first_row + n - 1
        if r > placement.last_row:
            raise ValueError(f"{ws.title}: more than {placement.last_row - placement.first_row + 1} rows to write")
        for key, value in record.items():
            letter = placement.letters.get(key)
            if letter is None or value is None:
                continue
            cell = ws[f"{letter}{r}"]
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue
            put_value(cell, value)
    return n


# --- page set-up and protection ---------------------------------------------------------------------
def page_setup(ws: Worksheet, *, title_rows_ref: str, freeze: str | None = None, lang: i18n.Lang = "zh") -> None:
    """A4 landscape, fit to one page wide, title rows repeated on every page. A sheet too wide to
    print legibly so is given a fixed zoom once its widths are all set (``print_legibly``)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows_ref
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A  第 &P 页 / 共 &N 页" if lang == "zh" else "&A  page &P of &N"
    if freeze:
        ws.freeze_panes = freeze


def protect(ws: Worksheet, *, allow_rows: bool = False) -> None:
    """Lock the sheet without a password: formula and label cells stay put, input cells are open.

    Column widths, row heights and filters stay usable; inserting/deleting rows only on sheets
    without formulas (``allow_rows``), where a new row cannot miss its formulas.
    """
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.autoFilter = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    if allow_rows:
        p.insertRows = False
        p.deleteRows = False


def width_of(cols: Sequence[Column]) -> int:
    return sum(1 for c in cols if not c.hidden)
