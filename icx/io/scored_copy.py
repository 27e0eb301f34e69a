"""Write a scored copy of a register workbook: the input's own sheets with score, level and rank
filled in, plus a ranking sheet (风险识别排序表) and a problem sheet (问题清单).

The input file is only read; the copy is written atomically. Cells that hold a formula in the
input (the standard template computes score/level itself) keep their formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.errors import Problem
from icx.core.methodology import Methodology
from icx.io.register import RegisterResult
from icx.io.safety import put_value
from icx.io.save import save_workbook
from icx.io.table import columns, sheet_names

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
RANKING_KEYS = ("rank", "id", "area", "process_step", "description", "likelihood", "impact", "score", "level",
                "response", "owner_department", "owner", "controls")


def open_for_copy(path: str | Path) -> openpyxl.Workbook:
    """Load a workbook for writing a modified copy (macros kept for .xlsm)."""
    path = Path(path)
    return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() in (".xlsm", ".xltm"))


def _spec(key: str):
    return next(s for s in columns("register") if s.key == key)


def fill_scores(ws: Worksheet, result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh") -> None:
    """Write score, level and rank into the register sheet, adding the columns if absent."""
    table = result.table
    header_row = table.header_row + 1  # 1-based
    next_col = ws.max_column + 1
    for key in ("score", "level", "rank"):
        col = table.columns.get(key)
        if col is None:
            col = next_col - 1
            next_col += 1
            cell = ws.cell(row=header_row, column=col + 1, value=_spec(key).header(lang))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            table.columns[key] = col
        for r, value in result.frame[key].items():
            cell = ws.cell(row=int(r), column=col + 1)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # the template's own formula stays; it computes the same value
            if value is None or (hasattr(value, "__float__") and value != value) or str(value) == "<NA>":
                cell.value = None
            elif key == "level":
                cell.value = methodology.level_name(int(value), lang)
            elif key == "rank":
                cell.value = int(value)
            else:
                cell.value = float(value)
                cell.number_format = "0.00"


def replace_sheet(wb: openpyxl.Workbook, title: str) -> Worksheet:
    """A fresh sheet called ``title`` (an old one of that name is removed), at the end."""
    if title in wb.sheetnames:
        del wb[title]
    return wb.create_sheet(title)


def write_rows(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None) -> None:
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


def write_ranking(wb: openpyxl.Workbook, result: RegisterResult, methodology: Methodology, lang: i18n.Lang = "zh") -> Worksheet:
    title = sheet_names("ranking")[0 if lang == "zh" else 1]
    ws = replace_sheet(wb, title)
    ranked = result.register.ranked()
    header = [_spec(k).header(lang) for k in RANKING_KEYS]
    area_names = {a.code: (a.short_zh or a.name_zh) if lang == "zh" else a.name_en for a in methodology.areas}
    rows = []
    for _, r in ranked.iterrows():
        rows.append([
            int(r["rank"]), r["id"], area_names.get(r["area"], r["area"]), r["process_step"], r["description"],
            round(float(r["likelihood"]), 4), round(float(r["impact"]), 4), round(float(r["score"]), 4),
            methodology.level_name(int(r["level"]), lang), r["response"], r["owner_department"], r["owner"], r["controls"],
        ])
    write_rows(ws, header, rows, widths=[6, 12, 12, 16, 48, 9, 9, 9, 9, 10, 14, 10, 20])
    colors = {lv.name_zh if lang == "zh" else lv.name_en: lv.color for lv in methodology.risk_levels}
    level_col = RANKING_KEYS.index("level") + 1
    for row in range(2, len(rows) + 2):
        cell = ws.cell(row=row, column=level_col)
        if cell.value in colors:
            cell.fill = PatternFill("solid", fgColor=colors[cell.value])
    return ws


def write_problems(wb: openpyxl.Workbook, problems: Sequence[Problem], lang: i18n.Lang = "zh") -> Worksheet | None:
    title = sheet_names("problems")[0 if lang == "zh" else 1]
    if title in wb.sheetnames:
        del wb[title]
    if not problems:
        return None
    ws = wb.create_sheet(title)
    header = ["文件", "工作表", "单元格", "级别", "说明", "Message"] if lang == "zh" else \
        ["File", "Sheet", "Cell", "Severity", "说明", "Message"]
    severity = {"error": ("错误", "error"), "warning": ("提示", "warning")}
    rows = [[Path(p.file).name if p.file else "", p.sheet or "", p.cell or (f"row {p.row}" if p.row is not None else ""),
             severity[p.severity][0 if lang == "zh" else 1], p.message_zh, p.message_en] for p in problems]
    write_rows(ws, header, rows, widths=[24, 14, 9, 8, 60, 60])
    return ws


def write_scored_copy(source: str | Path, target: str | Path, result: RegisterResult, methodology: Methodology,
                      lang: i18n.Lang = "zh") -> Path:
    """Save the scored copy of ``source`` to ``target`` atomically; ``source`` is not touched."""
    wb = open_for_copy(source)
    fill_scores(wb[result.table.sheet], result, methodology, lang)
    write_ranking(wb, result, methodology, lang)
    write_problems(wb, result.problems, lang)
    return save_workbook(wb, target)
