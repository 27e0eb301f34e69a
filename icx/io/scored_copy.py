"""Write a scored copy of a register workbook: the input's own sheets with score, level and rank
filled in, plus a ranking sheet (风险识别排序表) and a problem sheet (问题清单).

The input file is only read; the copy is written atomically. Cells that hold a formula in the
input (the standard template computes score/level itself) keep their formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.errors import Problem
from icx.core.methodology import Methodology
from icx.core.problem_list import grouped, place
from icx.io.print_layout import fit_columns_openpyxl, fit_rows_openpyxl, print_ready_openpyxl
from icx.io.register import RegisterResult
from icx.io.safety import put_value
from icx.io.save import save_workbook
from icx.io.sheet_print import print_legibly
from icx.io.specs import columns, sheet_names

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
RANKING_KEYS = (
    "rank",
    "id",
    "area",
    "process_step",
    "description",
    "likelihood",
    "impact",
    "score",
    "level",
    "residual_level",
    "response",
    "owner_department",
    "owner",
    "controls",
)
RANKING_WIDTHS = (6, 12, 12, 16, 48, 9, 9, 9, 9, 9, 10, 14, 10, 20)
PROBLEM_WIDTHS = (20, 12, 12, 6, 42, 36, 42, 36)
SCORE_KEYS = ("score", "level", "rank")


# openpyxl reads and writes only Office Open XML; a copy of any other workbook icx reads (.xls,
# .xlsb, .ods) is a new .xlsx holding the values of every sheet (no formats or formulas: those
# formats cannot be rewritten), with icx's columns and sheets added as for an .xlsx.
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def copy_target(target: str | Path) -> Path:
    """Where a copy goes: ``target``, with the suffix .xlsx unless openpyxl can write its own."""
    target = Path(target)
    return target if target.suffix.lower() in OPENPYXL_SUFFIXES else target.with_suffix(".xlsx")


def open_for_copy(path: str | Path) -> openpyxl.Workbook:
    """Load a workbook for writing a modified copy (macros kept for .xlsm; a .xls, .xlsb or .ods
    as its values, see ``OPENPYXL_SUFFIXES``)."""
    path = Path(path)
    if path.suffix.lower() not in OPENPYXL_SUFFIXES:
        return values_workbook(path)
    return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() in (".xlsm", ".xltm"))


def save_copy(wb: openpyxl.Workbook, target: str | Path, output: str) -> Path:
    """Save a copy icx wrote of a unit's file (scored, checked, 基础性评价) atomically, marked as
    icx's ``output``, with every sheet printing legibly first: the unit's own, whatever template
    they came from, and icx's (``icx.io.sheet_print``; a sheet whose settings already print it
    legibly keeps them)."""
    for ws in wb.worksheets:
        print_legibly(ws, keep_legible=True)
    return save_workbook(wb, target, output=output)


def values_workbook(path: str | Path) -> openpyxl.Workbook:
    """A new workbook holding the values of every sheet of ``path`` (read by ``load_grid``)."""
    from icx.io.grid import load_grid
    from icx.io.safety import put_value

    book = load_grid(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, grid in book.sheets.items():
        ws = wb.create_sheet(name[:31])
        for r, row in enumerate(grid.rows, 1):
            for c, value in enumerate(row, 1):
                if value not in ("", None) and (r - 1, c - 1) not in grid.filled:
                    put_value(ws.cell(row=r, column=c), value)
    return wb


def _spec(key: str):
    return next(s for s in columns("register") if s.key == key)


def score_columns(result: RegisterResult, width: int, lang: i18n.Lang = "zh") -> list[tuple[str, int, str | None]]:
    """Where score, level and rank go: (key, 0-based column, header text when the column is added).

    Missing columns are added after the sheet's last used column (``width``) and recorded in the
    table. Shared by ``fill_scores`` and the ribbon macro, so both fill the same cells.
    """
    table = result.table
    next_col = width
    out = []
    for key in SCORE_KEYS:
        col = table.columns.get(key)
        header = None
        if col is None:
            col, next_col = next_col, next_col + 1
            header = _spec(key).header(lang)
            table.columns[key] = col
        out.append((key, col, header))
    return out


def score_cell(key: str, value: Any, methodology: Methodology, lang: i18n.Lang = "zh") -> tuple[Any, str | None]:
    """The value written for one computed score/level/rank, and its number format."""
    if value is None or (hasattr(value, "__float__") and value != value) or str(value) == "<NA>":
        return None, None
    if key == "level":
        return methodology.level_name(int(value), lang), None
    if key == "rank":
        return int(value), None
    return float(value), "0.00"


def fill_scores(ws: Worksheet, result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh") -> None:
    """Write score, level and rank into the register sheet, adding the columns if absent."""
    header_row = result.table.header_row + 1  # 1-based
    for key, col, header in score_columns(result, ws.max_column, lang):
        if header is not None:
            cell = ws.cell(row=header_row, column=col + 1, value=header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for r, value in result.frame[key].items():
            cell = ws.cell(row=int(r), column=col + 1)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # the template's own formula stays; it computes the same value
            cell.value, number_format = score_cell(key, value, methodology, lang)
            if number_format:
                cell.number_format = number_format


def remove_sheet(wb: openpyxl.Workbook, title: str) -> None:
    """Remove the sheet called ``title``, compared as Excel compares sheet names (ignoring case)."""
    for name in [n for n in wb.sheetnames if n.lower() == title.lower()]:
        del wb[name]


def replace_sheet(wb: openpyxl.Workbook, title: str) -> Worksheet:
    """A fresh sheet called ``title`` (an old one of that name, in any case, is removed), at the end."""
    remove_sheet(wb, title)
    return wb.create_sheet(title)


def write_rows(
    ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None
) -> None:
    """A simple table: bold header, frozen, filtered; text written as text (never a formula)."""
    for c, text in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    n = 1
    for n, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            put_value(ws.cell(row=n, column=c), value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(n, 1)}"
    for c, width in enumerate(widths or [14] * len(header), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width


def ranking_rows(
    result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh"
) -> tuple[str, list[str], list[list[Any]]]:
    """The 风险识别排序表: its sheet name, header and rows."""
    title = sheet_names("ranking")[0 if lang == "zh" else 1]
    ranked = result.register.ranked()
    header = [_spec(k).header(lang) for k in RANKING_KEYS]
    residual = _residual_levels(result, methodology)
    area_names = {a.code: (a.short_zh or a.name_zh) if lang == "zh" else a.name_en for a in methodology.areas}
    rows = []
    for _, r in ranked.iterrows():
        rows.append(
            [
                int(r["rank"]),
                r["id"],
                area_names.get(r["area"], r["area"]),
                r["process_step"],
                r["description"],
                round(float(r["likelihood"]), 4),
                round(float(r["impact"]), 4),
                round(float(r["score"]), 4),
                methodology.level_name(int(r["level"]), lang),
                methodology.level_name(residual[r["id"]], lang) if residual.get(r["id"]) else "",
                r["response"],
                r["owner_department"],
                r["owner"],
                r["controls"],
            ]
        )
    return title, header, rows


def _residual_levels(result: RegisterResult, methodology: Methodology) -> dict[str, int | None]:
    """Risk id → residual level, graded as ``icx check treatment`` grades it (wordings too)."""
    from icx.core.treatment import read_plans

    if result.table.header_row < 0:
        return {}
    plans, _ = read_plans(result.table.rows, {}, methodology)
    return {p.risk_id: p.residual_level for p in plans}


def level_colors(methodology: Methodology, lang: i18n.Lang = "zh") -> dict[str, str]:
    """Level label → its fill colour (hex), as the ranking sheet colours its level column."""
    return {lv.name_zh if lang == "zh" else lv.name_en: lv.color for lv in methodology.risk_levels}


def write_ranking(
    wb: openpyxl.Workbook, result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh"
) -> Worksheet:
    title, header, rows = ranking_rows(result, methodology, lang)
    ws = replace_sheet(wb, title)
    write_rows(ws, header, rows, widths=RANKING_WIDTHS)
    colors = level_colors(methodology, lang)
    for key in ("level", "residual_level"):
        column = RANKING_KEYS.index(key) + 1
        for row in range(2, len(rows) + 2):
            cell = ws.cell(row=row, column=column)
            if cell.value in colors:
                cell.fill = PatternFill("solid", fgColor=colors[cell.value])
    print_table(ws, RANKING_WIDTHS, len(rows), title, lang)
    return ws


def print_table(ws: Worksheet, caps: Sequence[float], count: int, title: str, lang: i18n.Lang) -> None:
    """A table written by ``write_rows`` made print-ready: widths from content (``caps`` the
    most), text wrapped and rows as tall as it needs, header repeated, CJK fonts."""
    fit_columns_openpyxl(ws, 1, caps)
    wrap_rows(ws, 2, count + 1)
    print_ready_openpyxl(ws, title, lang, header_rows="1:1")


def problem_rows(problems: Sequence[Problem], lang: i18n.Lang = "zh") -> tuple[str, list[str], list[list[Any]]]:
    """The 问题清单: its sheet name, header and one row per problem — in sheet, row, column order,
    a problem repeated down a column on one row (G5:G77，共73处) — with how to fix it."""
    title = sheet_names("problems")[0 if lang == "zh" else 1]
    header = (
        ["文件", "工作表", "单元格", "级别", "说明", "怎么改", "Message", "How to fix"]
        if lang == "zh"
        else ["File", "Sheet", "Cell", "Severity", "说明", "怎么改", "Message", "How to fix"]
    )
    severity = {"error": ("错误", "error"), "warning": ("提示", "warning"), "info": ("说明", "note")}
    rows = []
    for p in grouped(problems):
        cell = p.cell or (f"row {p.row}" if p.row is not None else "")
        if p.count > 1:
            cell = place(
                p.model_copy(update={"location": p.location.model_copy(update={"file": None, "sheet": None})}), lang
            )
        rows.append(
            [
                Path(p.file).name if p.file else "",
                p.sheet or "",
                cell,
                severity[p.severity][0 if lang == "zh" else 1],
                p.message_zh,
                p.fix_zh,
                p.message_en,
                p.fix_en,
            ]
        )
    return title, header, rows


def write_problems(wb: openpyxl.Workbook, problems: Sequence[Problem], lang: i18n.Lang = "zh") -> Worksheet | None:
    title, header, rows = problem_rows(problems, lang)
    remove_sheet(wb, title)
    if not problems:
        return None
    ws = wb.create_sheet(title)
    write_rows(ws, header, rows, widths=PROBLEM_WIDTHS)
    print_table(ws, PROBLEM_WIDTHS, len(rows), title, lang)
    if lang == "zh":  # printed: the Chinese texts (the English ones stay on screen, beside them)
        ws.print_area = f"A1:F{len(rows) + 1}"
    return ws


def wrap_rows(ws: Worksheet, first_row: int, last_row: int) -> None:
    """Wrap every cell of the rows and make each row as tall as its longest text needs, so no
    message is cut (a spreadsheet does not grow rows it did not write itself, and a PDF of the
    sheet would show the text running into the next column)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in range(first_row, last_row + 1):
        for cell in ws[r]:
            cell.alignment = wrap
    fit_rows_openpyxl(ws, first_row, last_row)


def write_scored_copy(
    source: str | Path, target: str | Path, result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh"
) -> Path:
    """Save the scored copy of ``source`` to ``target`` atomically; ``source`` is not touched."""
    wb = open_for_copy(source)
    fill_scores(wb[result.table.sheet], result, methodology, lang)
    write_ranking(wb, result, methodology, lang)
    write_problems(wb, result.problems, lang)
    return save_copy(wb, target, output="scored")
