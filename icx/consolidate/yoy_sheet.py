"""The 同比 (year-over-year) sheet: this period against the last, drawn from the tables of
``yoy_tables`` — in the committee workbook (XlsxWriter, ``write_yoy_sheet``) and in each unit's
feedback workbook (openpyxl, ``write_unit_yoy_sheet``), stacked one under the other with a
clustered column chart of risks by level on the committee's sheet."""

from __future__ import annotations

from typing import Any

from icx import i18n
from icx.consolidate.xlsx import Styles, print_setup, sheet_title
from icx.consolidate.xlsx_rows import write_value
from icx.consolidate.yoy_tables import YoyTable, rule_note, trend_line, yoy_tables
from icx.core.history import YearOverYear
from icx.core.methodology import Methodology
from icx.io.print_layout import lines_needed, style_chart, within_min_scale
from icx.io.specs import sheet_names


def sheet_name(lang: i18n.Lang) -> str:
    return sheet_title(sheet_names("summary_yoy")[0 if lang == "zh" else 1])


def write_yoy_sheet(wb: Any, styles: Styles, yoy: YearOverYear, lang: i18n.Lang, m: Methodology, title: str) -> Any:
    """Add the committee's 同比 sheet (figures: totals with a chart, by unit, by area) and its
    同比明细 sheet (each changed risk, repeated findings, last period's rectification) to ``wb``
    (XlsxWriter). Two sheets, so each keeps column widths that suit its own tables."""
    s = styles
    name = sheet_name(lang)
    ws = wb.add_worksheet(name)
    print_setup(ws, f"{title} — {sheet_names('summary_yoy')[0 if lang == 'zh' else 1]}", lang=lang)
    ws.write_string(0, 0, i18n.label("history_yoy_title", lang).format(now=yoy.now, before=yoy.before), s.title)
    ws.merge_range(1, 0, 1, 10, trend_line(yoy, lang), s.wrap)
    ws.set_row(1, 32)
    ws.merge_range(2, 0, 2, 10, rule_note(lang), s.note)
    ws.set_row(2, 44)
    row = 4
    tables = yoy_tables(yoy, lang, m)
    figures, details = tables[:3], tables[3:]
    widths = _widths(figures)
    for i, table in enumerate(figures):
        row = _table(ws, s, row, table, widths)
        if i == 0:  # the totals: a chart of risks by level, last period beside this one
            chart = wb.add_chart({"type": "column"})
            top = row - len(table.rows) - 2  # the header row; 上期 and 本期 are the two rows under it
            for r, color in ((top + 1, "#BFBFBF"), (top + 2, "#5B9BD5")):
                chart.add_series(
                    {
                        "name": [name, r, 0],
                        "categories": [name, top, 1, top, 3],
                        "values": [name, r, 1, r, 3],
                        "fill": {"color": color},
                    }
                )
            style_chart(chart, i18n.label("history_yoy_totals", lang))
            chart.set_size({"width": 520, "height": 260})
            ws.insert_chart(row + 1, 0, chart)
            row += 15  # the chart's height in rows: the next table starts below it, never beside
        if i == 1:
            row = _units_lists(ws, s, row, yoy, lang)
    for c, width in widths.items():
        ws.set_column(c, c, width)
    key = "summary_yoy_details"
    detail = wb.add_worksheet(sheet_title(sheet_names(key)[0 if lang == "zh" else 1]))
    print_setup(detail, f"{title} — {sheet_names(key)[0 if lang == 'zh' else 1]}", lang=lang)
    detail.write_string(0, 0, i18n.label("history_yoy_title", lang).format(now=yoy.now, before=yoy.before), s.title)
    row, widths = 2, _widths(details)
    for table in details:
        row = _table(detail, s, row, table, widths)
    for c, width in widths.items():
        detail.set_column(c, c, width)
    return ws


def _table(ws: Any, s: Styles, row: int, table: YoyTable, widths: dict[int, float]) -> int:
    """Title, header and rows of one table from ``row`` down; returns the row after a gap."""
    ws.write_string(row, 0, table.title, s.label)
    row += 1
    for c, col in enumerate(table.columns):
        ws.write_string(row, c, col.header, s.header)
    if any("\n" in col.header for col in table.columns):
        ws.set_row(row, 30)
    formats = [getattr(s, col.kind) for col in table.columns]
    if not table.rows:
        ws.write_string(row + 1, 0, "—", s.muted)
        return row + 3
    for r, values in enumerate(table.rows, start=row + 1):
        for c, value in enumerate(values):
            write_value(ws, r, c, value, formats[c])
        wrapped = [c for c, col in enumerate(table.columns) if col.kind == "wrap"]
        lines = max([_lines(str(values[c] or ""), widths[c]) for c in wrapped] or [1])
        if lines > 1:
            ws.set_row(r, 15 * lines)
    return row + len(table.rows) + 2


def _widths(tables: list[YoyTable]) -> dict[int, float]:
    """Each column as wide as the widest of the tables stacked in it needs, narrowed (the wide
    ones first) until the sheet prints one page wide at a legible size."""
    widest: dict[int, float] = {}
    for table in tables:
        for c, col in enumerate(table.columns):
            widest[c] = max(widest.get(c, 0), col.width)
    order = sorted(widest)
    narrowed = within_min_scale([widest[c] for c in order], [widest[c] > 10 for c in order])
    return dict(zip(order, narrowed))


def _units_lists(ws: Any, s: Styles, row: int, yoy: YearOverYear, lang: i18n.Lang) -> int:
    for key, units in (("history_yoy_units_new", yoy.units_new), ("history_yoy_units_gone", yoy.units_gone)):
        text = "、".join(f"{u.code} {u.name}".strip() for u in units) or "—"
        ws.write_string(row, 0, i18n.label(key, lang), s.label)
        ws.merge_range(row, 1, row, 10, text, s.wrap)
        row += 1
    return row + 1


def _lines(text: str, width: float) -> int:
    return lines_needed(text, width)


def write_unit_yoy_sheet(wb: Any, yoy: YearOverYear, unit_code: str, lang: i18n.Lang, m: Methodology) -> Any:
    """Add one unit's 同比 part to an openpyxl workbook (its feedback) and return the sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from icx.io.safety import put_value

    ws = wb.create_sheet(sheet_name(lang))
    ws["A1"] = i18n.label("history_yoy_title", lang).format(now=yoy.now, before=yoy.before)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = rule_note(lang)
    ws["A2"].font = Font(italic=True, color="595959")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:J2")
    ws.row_dimensions[2].height = 48
    fill, bold = PatternFill("solid", fgColor="DDEBF7"), Font(bold=True)
    row = 4
    tables = yoy_tables(yoy, lang, m, unit_code=unit_code)
    widths = {c + 1: w for c, w in _widths(tables).items()}
    for table in tables:
        ws.cell(row=row, column=1, value=table.title).font = bold
        row += 1
        for c, col in enumerate(table.columns, start=1):
            cell = ws.cell(row=row, column=c, value=col.header)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        if not table.rows:
            ws.cell(row=row + 1, column=1, value="—")
        for r, values in enumerate(table.rows, start=row + 1):
            lines = 1
            for c, (col, value) in enumerate(zip(table.columns, values), start=1):
                cell = ws.cell(row=r, column=c)
                put_value(cell, value)
                if col.kind == "wrap":
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = max(lines, _lines(str(value or ""), widths[c]))
                elif col.kind == "date":
                    cell.number_format = "yyyy-mm-dd"
                elif col.kind in ("decimal", "percent1"):
                    cell.number_format = "0.0" if col.kind == "percent1" else "0.00"
            if lines > 1:
                ws.row_dimensions[r].height = 15 * lines
        row += max(len(table.rows), 1) + 3
    from openpyxl.utils import get_column_letter

    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = width
    return ws
