"""The committee workbook's 基础性评价 sheet: the department's average per indicator (with a chart),
the deductions its units share most, and each unit's scores.

Written with XlsxWriter into the summary being built. The averages are those the report format
asks a 主管部门 for: each indicator averaged over the department itself and its subordinate
units (here: every unit in the batch with a 基础性评价 sheet), the averages added up to the
composite score (``icx.core.basic_evaluation.aggregate`` says how 不适用 enters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from icx import i18n
from icx.consolidate.xlsx import Styles, print_setup, sheet_title
from icx.consolidate.xlsx_rows import write_value as put
from icx.core.basic_evaluation.aggregate import UnitSummary, department
from icx.core.basic_evaluation.system import IndicatorSystem, default_system
from icx.io.print_layout import (
    FONT_SIZE,
    MIN_PRINTED_PT,
    SCALE_MARGIN,
    break_before_chart,
    print_scale,
    style_chart,
)
from icx.io.specs import sheet_names

COMMON_DEDUCTIONS = 15  # the most common deductions listed (every one is in each unit's scorecard)
LINE_CHARS = 2  # display width of a CJK character


def _lines(text: str, width: int) -> int:
    return max(1, -(-sum(LINE_CHARS if ord(ch) > 0x2E7F else 1 for ch in text) // max(width - 1, 1)))


@dataclass(frozen=True)
class BasicEntry:
    """One unit as the sheet needs it: code, name and its scorecard in a few numbers (None when
    the unit's workbook has no 基础性评价 sheet)."""

    code: str
    name: str
    summary: UnitSummary | None


def _l(key: str, lang: i18n.Lang, **values: object) -> str:
    text = i18n.label(f"committee_be_{key}", lang)
    return text.format(**values) if values else text


def write_basic_evaluation_sheet(
    wb,
    styles: Styles,
    entries: Sequence[BasicEntry],
    lang: i18n.Lang = "zh",
    system: IndicatorSystem | None = None,
    title: str = "",
) -> Worksheet:
    """Add the 基础性评价 sheet to ``wb`` (an XlsxWriter workbook) and return it."""
    system = system or default_system()
    s = styles
    name = sheet_title(sheet_names("summary_basic_evaluation")[0 if lang == "zh" else 1])
    ws = wb.add_worksheet(name)
    zh = lang == "zh"
    scored = [e for e in entries if e.summary is not None]
    dept = department([e.summary for e in scored], system)  # type: ignore[misc]

    ws.write_string(
        0, 0, f"{_l('title', lang)}（{system.basis}）" if zh else f"{_l('title', lang)} ({system.basis})", s.title
    )
    ws.merge_range(1, 0, 1, 7, _l("note", lang, units=len(scored)), s.note)
    ws.set_row(1, 48)

    # --- the department's average per indicator, and the chart -------------------------------------
    ncols = 2 + len(system.indicators) + len(system.levels) + 6
    widths = [34, 20, 11, 11, 11] + [8] * (ncols - 6) + [24]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    top = 3
    ws.write_string(top, 0, _l("averages", lang), s.label)
    headers = [_l(k, lang) for k in ("indicator", "points", "average", "units", "rate")]
    for c, text in enumerate(headers):
        ws.write_string(top + 1, c, text, s.header)
    ws.set_row(top + 1, 30)
    first = top + 2
    for i, (ind, avg) in enumerate(zip(system.indicators, dept.indicators)):
        r = first + i
        put(ws, r, 0, ind.label(lang), s.wrap)
        ws.set_row(r, 15 * _lines(ind.label(lang), int(widths[0])))
        put(ws, r, 1, ind.points, s.integer)
        put(ws, r, 2, avg.average, s.decimal)
        put(ws, r, 3, avg.units, s.integer)
        put(ws, r, 4, None if avg.average is None else round(avg.average / ind.points * 100, 1), s.percent1)
    last = first + len(system.indicators) - 1
    r = last
    for lv in system.levels:
        r += 1
        mine = [a for a, i in zip(dept.indicators, system.indicators) if i.level == lv.code]
        level_avg = round(sum(a.average for a in mine), 2) if all(a.average is not None for a in mine) else None
        put(ws, r, 0, lv.zh if zh else lv.en, s.label)
        put(ws, r, 1, lv.points, s.integer)
        put(ws, r, 2, level_avg, s.decimal)
    r += 1
    put(ws, r, 0, _l("composite", lang), s.label)
    put(ws, r, 1, system.total, s.integer)
    put(ws, r, 2, dept.composite, s.decimal)
    put(ws, r, 3, len(scored), s.integer)
    if scored:
        chart = wb.add_chart({"type": "bar"})
        for col, colour, key in ((1, "#D9D9D9", "points"), (2, "#5B9BD5", "average")):
            chart.add_series(
                {
                    "name": _l(key, lang),
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "fill": {"color": colour},
                    "data_labels": {"value": True, "num_format": "0.0"} if col == 2 else {},
                    "gap": 60,
                }
            )
        style_chart(chart, _l("chart", lang, units=len(scored)), x_axis={"min": 0}, y_axis={"reverse": True})
        chart.set_size({"width": 640, "height": 460})
        break_before_chart(ws, r + 2, 15 * (r + 3), 460)
        ws.insert_chart(r + 2, 0, chart)  # under the averages, never beside them
        r += 2 + 460 // 20  # the chart's rows

    # --- the most common deductions --------------------------------------------------------------
    r = r + 3
    shown = dept.deductions[:COMMON_DEDUCTIONS]
    ws.write_string(r, 0, _l("common", lang, n=len(shown), total=len(dept.deductions)), s.label)
    r += 1
    for c, key in enumerate(("criterion", "indicator", "units_deducted", "points_deducted")):
        ws.write_string(r, c, _l(key, lang), s.header)
    for d in shown:
        r += 1
        c = system.by_id.get(d.criterion)
        text = f"{d.criterion} {c.text(lang)}" if c else d.criterion
        indicator = system.indicators_by_no[c.indicator].label(lang) if c else ""
        put(ws, r, 0, text, s.wrap)
        put(ws, r, 1, indicator, s.wrap)
        put(ws, r, 2, d.units, s.integer)
        put(ws, r, 3, d.points, s.decimal)
        ws.set_row(r, 15 * max(_lines(text, int(widths[0])), _lines(indicator, int(widths[1]))))

    # --- each unit -------------------------------------------------------------------------------
    r += 3
    ws.write_string(r, 0, _l("units_title", lang), s.label)
    r += 1
    unit_top = r
    cols = [_l("unit_code", lang), _l("unit_name", lang)]
    cols += [f"{i.no}（{i.points:g}）" if zh else f"{i.no} ({i.points:g})" for i in system.indicators]
    cols += [lv.zh if zh else lv.en for lv in system.levels]
    cols += [_l(k, lang) for k in ("total", "na_points", "converted", "unanswered", "overrides", "remark")]
    for c, text in enumerate(cols):
        ws.write_string(r, c, text, s.header)
    ws.set_row(r, 42)
    na = system.answers.label("na", lang)
    for e in entries:
        r += 1
        put(ws, r, 0, e.code, s.text)
        put(ws, r, 1, e.name, s.text)
        u = e.summary
        if u is None:
            put(ws, r, len(cols) - 1, _l("no_sheet", lang), s.muted)
            continue
        c = 2
        for (score, na_points), ind in zip(u.indicators, system.indicators):
            put(ws, r, c, na if na_points >= ind.points else score, s.decimal if na_points < ind.points else s.muted)
            c += 1
        for lv in system.levels:
            put(ws, r, c, u.level_score(system, lv.code), s.decimal)
            c += 1
        for value, fmt in (
            (u.score, s.decimal),
            (u.na_points, s.decimal),
            (u.converted, s.decimal),
            (u.unanswered, s.integer),
            (u.overrides, s.integer),
        ):
            put(ws, r, c, value, fmt)
            c += 1
        if u.errors:
            put(ws, r, c, _l("errors", lang, n=u.errors), s.bad)
    ws.autofilter(unit_top, 0, max(r, unit_top), len(cols) - 1)
    ws.repeat_rows(unit_top)
    print_setup(ws, title or _l("title", lang), lang=lang)
    if print_scale(widths) < MIN_PRINTED_PT / FONT_SIZE * SCALE_MARGIN:
        # every indicator of every unit does not fit one page wide at a legible size: two pages
        # wide, the unit's code and name repeated on the second
        ws.fit_to_pages(2, 0)
        ws.repeat_columns(0, 1)
    return ws
