"""The annual report workbook (``icx report annual``): the report's tables, one column per unit and
a 汇总 column, every value with its source.

Sheets: 说明 (what the workbook is, the units with their basic-evaluation scores, where the
layout comes from), 封面信息, 单位层面 (the three groups of unit-level items), 业务层面 (per area
its separation pairs, rules and processes), 数据来源 (one row per figure: value, the cells of
the unit workbook it came from, how), 待填写 (every figure left for a unit to fill in, and why).
A value cell carries its source as a comment as well; a figure to fill reads 【待填写】 on a
yellow fill, a 不适用 one is grey. Unit text goes in through ``put_value``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.annual_report import Figure, ReportSpec, Total, default_spec, totals
from icx.core.basic_evaluation.system import default_system
from icx.core.errors import Problem
from icx.core.problem_list import grouped
from icx.io.annual_report import UnitReport
from icx.io.safety import put_value
from icx.io.save import save_workbook
from icx.io.specs import sheet_names

FILL_TO_FILL = PatternFill("solid", fgColor="FFF2CC")
FILL_NA = PatternFill("solid", fgColor="E7E6E6")
FILL_HEADER = PatternFill("solid", fgColor="DDEBF7")
FILL_GROUP = PatternFill("solid", fgColor="BDD7EE")
FILL_TOTAL = PatternFill("solid", fgColor="E2EFDA")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNIT_WIDTH = 14
LINE_HEIGHT = 15


FONT = {"zh": "宋体", "en": "Calibri"}  # as the templates use (LibreOffice maps 宋体 to the CJK font)


def _font(wb: openpyxl.Workbook, lang: i18n.Lang) -> None:
    """Every cell in the language's font, unless it sets its own."""
    wb._fonts[0] = Font(name=FONT[lang], size=10)  # the workbook's default font (index 0)


def _l(key: str, lang: i18n.Lang) -> str:
    return i18n.label(key, lang)


def _sheet(wb: openpyxl.Workbook, key: str, lang: i18n.Lang) -> Worksheet:
    return wb.create_sheet(sheet_names(key)[0 if lang == "zh" else 1])


def shown(f: Figure, lang: i18n.Lang) -> Any:
    """How a figure's value reads in the workbook."""
    if f.status == "to_fill":
        return _l("annual_to_fill", lang)
    if f.kind == "pair":
        return {"separated": _l("annual_separated", lang), "not_separated": _l("annual_not_separated", lang)}.get(
            f.value, default_system().answers.label("na", lang)
        )
    if f.kind == "yes_no" and f.value in ("yes", "no", "na"):
        return default_system().answers.label(f.value, lang)
    return f.value


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for c, text in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=c)
        put_value(cell, text)  # unit names are unit text
        cell.font, cell.fill, cell.border = Font(name=ws.parent._fonts[0].name, bold=True), FILL_HEADER, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[row].height = 2 * LINE_HEIGHT


def _lines(text: Any, width: float) -> int:
    if not isinstance(text, str):
        return 1
    return max(1, -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) // max(int(width) - 1, 1)))


def _print(ws: Worksheet, repeat: str, columns: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1 if columns <= 14 else 0
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = repeat
    ws.print_title_cols = "A:C"


def _table(
    ws: Worksheet,
    reports: list[UnitReport],
    rows: list[tuple[str, list[Figure]] | str],
    sums: dict[tuple[str, str], Total],
    lang: i18n.Lang,
) -> None:
    """Items down, units across: 序号 | 项目 | 汇总 | one column per unit. ``rows`` holds group
    titles (str) and (number, the figure of each unit) pairs."""
    titles = [_l("annual_col_no", lang), _l("annual_col_item", lang), _l("annual_col_total", lang)]
    _header(ws, 1, titles + [r.label for r in reports])
    widths = [6, 34, 22] + [UNIT_WIDTH] * len(reports)
    r = 1
    for row in rows:
        r += 1
        if isinstance(row, str):
            cell = ws.cell(row=r, column=1, value=row)
            cell.font, cell.fill = Font(name=FONT[lang], bold=True), FILL_GROUP
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            continue
        number, figures = row
        first = figures[0]
        ws.cell(row=r, column=1, value=number).alignment = WRAP
        ws.cell(row=r, column=2, value=first.label(lang)).alignment = WRAP
        total = sums[(first.group, first.key)].text(first.kind, lang)
        put_value(ws.cell(row=r, column=3), total)
        ws.cell(row=r, column=3).fill = FILL_TOTAL
        ws.cell(row=r, column=3).alignment = WRAP
        lines = max(_lines(first.label(lang), widths[1]), _lines(total, widths[2]))
        for c, f in enumerate(figures, start=4):
            cell = ws.cell(row=r, column=c)
            put_value(cell, shown(f, lang))
            cell.alignment = WRAP
            if f.status == "to_fill":
                cell.fill = FILL_TO_FILL
                cell.comment = Comment(f.note(lang), "icx", width=260, height=90)
            else:
                if f.status == "not_applicable":
                    cell.fill = FILL_NA
                source = f"{_l('annual_col_source', lang)}: {f.source}\n{f.note(lang)}"
                cell.comment = Comment(source, "icx", width=300, height=110)
            lines = max(lines, _lines(shown(f, lang), UNIT_WIDTH))
        for c in range(1, len(titles) + len(reports) + 1):
            ws.cell(row=r, column=c).border = BOX
        ws.row_dimensions[r].height = LINE_HEIGHT * lines
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "D2"
    _print(ws, "1:1", len(widths))


def _columns(reports: list[UnitReport]) -> list[list[Figure]]:
    """Figure i of every unit: the units share one order (the spec's)."""
    return [list(column) for column in zip(*(r.figures for r in reports))]


def write_annual_report(
    reports: list[UnitReport],
    target: str | Path,
    *,
    as_of: dt.date,
    problems: Sequence[Problem] = (),
    lang: i18n.Lang = "zh",
    spec: ReportSpec | None = None,
) -> Path:
    spec = spec or default_spec()
    reports = [r for r in reports if r.readable]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _font(wb, lang)
    sums = totals([r.figures for r in reports])
    columns = _columns(reports)
    _notes(wb, reports, problems, as_of, lang, spec)

    cover = [(str(n), figs) for n, figs in enumerate((c for c in columns if c[0].table == "cover"), start=1)]
    _table(_sheet(wb, "annual_cover", lang), reports, cover, sums, lang)  # type: ignore[arg-type]

    unit_rows: list[tuple[str, list[Figure]] | str] = [_l("annual_unit_level", lang)]
    for section in spec.section:
        if section.key == "cover":
            continue
        unit_rows.append(section.zh if lang == "zh" else section.en)
        mine = [c for c in columns if c[0].table == "unit" and c[0].group == section.key]
        unit_rows += [(str(n), figs) for n, figs in enumerate(mine, start=1)]
    _table(_sheet(wb, "annual_unit_level", lang), reports, unit_rows, sums, lang)

    business: list[tuple[str, list[Figure]] | str] = [_l("annual_business_level", lang)]
    for n, area in enumerate(spec.area, start=1):
        business.append(f"{n}. {area.zh if lang == 'zh' else area.en}")
        mine = [c for c in columns if c[0].table == "business" and c[0].group == area.code]
        business += [(f"{n}.{i}", figs) for i, figs in enumerate(mine, start=1)]
    _table(_sheet(wb, "annual_business_level", lang), reports, business, sums, lang)

    _sources(wb, reports, lang)
    _to_fill(wb, reports, lang)
    wb.properties.title = _l("annual_title", lang)
    wb.properties.creator = "icx"
    return save_workbook(wb, target, output="report")


def _table_name(f: Figure, lang: i18n.Lang) -> str:
    key = {"cover": "annual_cover", "unit": "annual_unit_level", "business": "annual_business_level"}[f.table]
    return sheet_names(key)[0 if lang == "zh" else 1]


def _item(f: Figure, lang: i18n.Lang, spec_areas: dict[str, str]) -> str:
    if f.table == "business":
        return f"{spec_areas.get(f.group, f.group)}：{f.label(lang)}"
    return f.label(lang)


def _sources(wb: openpyxl.Workbook, reports: list[UnitReport], lang: i18n.Lang) -> None:
    ws = _sheet(wb, "annual_sources", lang)
    keys = ("unit_code", "unit_name", "table", "item", "value", "source", "how", "file")
    _header(ws, 1, [_l(f"annual_col_{k}", lang) for k in keys])
    areas = _areas(lang)
    r = 1
    for report in reports:
        for f in report.figures:
            if f.status == "to_fill":
                continue
            r += 1
            values = [
                report.unit_code,
                report.unit_name,
                _table_name(f, lang),
                _item(f, lang, areas),
                shown(f, lang),
                f.source,
                f.note(lang),
                report.file,
            ]
            for c, value in enumerate(values, start=1):
                put_value(ws.cell(row=r, column=c), value)
                ws.cell(row=r, column=c).alignment = WRAP
    for c, width in enumerate((11, 18, 10, 30, 16, 44, 36, 30), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(r, 1)}"
    _print(ws, "1:1", 8)


def _to_fill(wb: openpyxl.Workbook, reports: list[UnitReport], lang: i18n.Lang) -> None:
    ws = _sheet(wb, "annual_to_fill", lang)
    keys = ("unit_code", "unit_name", "table", "item", "why")
    _header(ws, 1, [_l(f"annual_col_{k}", lang) for k in keys])
    areas = _areas(lang)
    r = 1
    for report in reports:
        for f in report.figures:
            if f.status != "to_fill":
                continue
            r += 1
            values = [report.unit_code, report.unit_name, _table_name(f, lang), _item(f, lang, areas), f.note(lang)]
            for c, value in enumerate(values, start=1):
                put_value(ws.cell(row=r, column=c), value)
                ws.cell(row=r, column=c).alignment = WRAP
            ws.row_dimensions[r].height = LINE_HEIGHT * max(_lines(values[3], 30), _lines(values[4], 60))
    for c, width in enumerate((11, 18, 10, 30, 60), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:E{max(r, 1)}"
    _print(ws, "1:1", 5)


def _areas(lang: i18n.Lang) -> dict[str, str]:
    return {a.code: a.zh if lang == "zh" else a.en for a in default_spec().area}


def _notes(
    wb: openpyxl.Workbook,
    reports: list[UnitReport],
    problems: Sequence[Problem],
    as_of: dt.date,
    lang: i18n.Lang,
    spec: ReportSpec,
) -> None:
    ws = _sheet(wb, "annual_notes", lang)
    ws.cell(row=1, column=1, value=f"{_l('annual_title', lang)}（{spec.basis}）").font = Font(
        name=FONT[lang], bold=True, size=14
    )
    ws.cell(row=2, column=1, value=_l("annual_notes_intro", lang)).alignment = WRAP
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = 5 * LINE_HEIGHT
    ws.cell(row=3, column=1, value=_l("annual_notes_as_of", lang)).font = Font(name=FONT[lang], bold=True)
    ws.cell(row=3, column=2, value=as_of).number_format = "yyyy-mm-dd"
    r = 5
    ws.cell(row=r, column=1, value=_l("annual_notes_units", lang)).font = Font(name=FONT[lang], bold=True, size=12)
    _header(
        ws,
        r + 1,
        [_l(f"annual_col_{k}", lang) for k in ("unit_code", "unit_name")]
        + [_l(k, lang) for k in ("annual_notes_score", "annual_notes_converted", "annual_notes_to_fill")]
        + [_l("annual_col_file", lang)],
    )
    r += 1
    for report in reports:
        r += 1
        to_fill = sum(1 for f in report.figures if f.status == "to_fill")
        for c, value in enumerate(
            [report.unit_code, report.unit_name, report.score, report.converted, to_fill, report.file], start=1
        ):
            put_value(ws.cell(row=r, column=c), value)
    r += 2
    ws.cell(row=r, column=1, value=_l("annual_notes_layout", lang)).font = Font(name=FONT[lang], bold=True, size=12)
    for key, source in spec.sources.items():  # key | title (B:C) | copy read (D:E) | what it gave (F)
        r += 1
        for c, value in ((1, key), (2, source.title), (4, source.url), (6, source.note)):
            put_value(ws.cell(row=r, column=c), value)
            ws.cell(row=r, column=c).alignment = WRAP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
        ws.row_dimensions[r].height = LINE_HEIGHT * max(
            _lines(source.title, 36), _lines(source.url, 26), _lines(source.note, 40)
        )
    unconfirmed = [f.zh if lang == "zh" else f.en for f in spec.field if not f.confirmed]
    unconfirmed += [p.zh if lang == "zh" else p.en for a in spec.area for p in a.pairs if not p.confirmed]
    r += 2
    ws.cell(row=r, column=1, value=f"{_l('annual_unconfirmed', lang)}：").font = Font(name=FONT[lang], bold=True)
    put_value(ws.cell(row=r, column=2), "、".join(unconfirmed))
    ws.cell(row=r, column=2).alignment = WRAP
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
    ws.row_dimensions[r].height = LINE_HEIGHT * _lines("、".join(unconfirmed), 120)
    if problems:
        r += 2
        ws.cell(row=r, column=1, value=_l("annual_notes_problems", lang)).font = Font(
            name=FONT[lang], bold=True, size=12
        )
        for p in grouped(problems):  # in order, repeats said once, each with how to fix it (issue 16)
            r += 1
            name, text = Path(p.file).name if p.file else "", p.explained(lang)
            put_value(ws.cell(row=r, column=1), name)
            put_value(ws.cell(row=r, column=2), text)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
            for c in (1, 2):
                ws.cell(row=r, column=c).alignment = WRAP
            # a file name wraps at its dashes and dots, so it is given room to spare
            ws.row_dimensions[r].height = LINE_HEIGHT * max(_lines(text, 100), _lines(name, 9))
    for c, width in enumerate((12, 24, 14, 14, 10, 40), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _print(ws, "1:1", 6)
