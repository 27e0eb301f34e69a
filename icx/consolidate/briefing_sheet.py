"""The 概览 sheet: the committee's one-page briefing (A4 landscape, exactly one page).

Layout (rows top to bottom; every row one line tall, so nothing side by side stretches what is
beside it, and charts are anchored on cells no table uses):

- the title, the period and the as-of date each with where it came from, the trend line (同比);
- three bands side by side: the key figures (A:B, the label/value rows ``icx.mail.figures``
  reads back) over a chart of risks by level; risks by business area × level with the
  rectification figures of each area (D:K) over a stacked-bar chart of the same; the units
  needing attention with their rule (M:Q) over rectification progress by unit;
- the ten highest risks across the page (a description longer than its line is cut with '…':
  the full text is in the appendix's 风险排序, as the heading says);
- one line each for files not counted, units not submitted and (when any) the lists kept under
  the printed page, each saying where the full list is.

The figures come from ``icx.consolidate.briefing``; this module only places them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from icx import i18n
from icx.consolidate import briefing as b
from icx.consolidate import oversight
from icx.consolidate.accounting_sheet import write_reconciliation
from icx.consolidate.xlsx import Column
from icx.consolidate.xlsx_rows import write_value
from icx.io.print_layout import CJK_FONT, DEFAULT_ROW, FONT_SIZE, lines_needed, one_line, style_chart, xlsxwriter_px

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from icx.consolidate.summary import _Summary

# Column grid: left band A:B, gap C, middle band D:K, gap L, right band M:Q.
# English labels are longer (key figures, area names): A and D wider, the gaps and M narrower, so
# the page is about as wide as in Chinese and prints its text at 7 pt or more (measured: 7.2).
WIDTHS_BY_LANG = {
    "zh": (20, 9, 2, 12, 6, 6, 6, 6, 7, 7, 8, 2, 20, 7, 7, 7, 8),
    "en": (24, 8, 1, 16, 6, 6, 6, 6, 7, 7, 7, 1, 16, 7, 7, 7, 8),
}
LAST_COL = len(WIDTHS_BY_LANG["zh"]) - 1
MID, RIGHT = 3, 12
GAP_ROW = 6.0  # only rows across the whole page: a row is as tall in every band
TITLE_ROW = 24.0
MIN_CHART_ROWS = 7
# The ten highest risks across the page: (first column, last column) of each field.
TOP_SPANS = ((0, 0), (1, 7), (8, 9), (10, 10), (11, 12), (13, 16))


# Key figures of the file and unit accounting (issue 15): on 概览 under the printed page, beside the
# reconciliation they belong to; the page's last lines give the not-counted and not-submitted counts.
BELOW_PAGE_FIGURES = ("units_counted", "units_not_counted", "units_off_roster", "files_not_counted")


def write_briefing(summary: _Summary) -> None:
    from icx.consolidate.summary import figure_label, header, level_name, sheet

    c, s, lang, m = summary.c, summary.s, summary.lang, summary.m
    label = summary.label
    widths = WIDTHS_BY_LANG["en" if lang == "en" else "zh"]
    span = lambda first, last: float(sum(widths[first : last + 1]))  # noqa: E731
    ws = summary.add("overview")
    ws.fit_to_pages(1, 1)  # laid out for one page (its lists are capped), never more
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    heights: dict[int, float] = {}  # rows not DEFAULT_ROW tall

    def merge(row: int, first: int, last: int, value: object, fmt: object) -> None:
        if first == last:
            write_value(ws, row, first, value, fmt)
        else:
            ws.merge_range(row, first, row, last, "", fmt)
            write_value(ws, row, first, value, fmt)

    # --- the head: title, period, as-of date, trend ---------------------------------------------
    ws.merge_range(0, 0, 0, LAST_COL, summary.title, s.title)
    heights[0] = TITLE_ROW
    period, source = b.period_and_source(c)
    ws.write_string(1, 0, header("unit_info", "period", lang), s.label)  # email reads the period by it
    write_value(ws, 1, 1, period or label("briefing_period_blank"), s.text)
    ws.merge_range(1, 2, 1, LAST_COL, label(f"briefing_period_{source}"), s.muted)
    ws.write_string(2, 0, label("as_of"), s.label)
    write_value(ws, 2, 1, c.as_of, s.date)
    ws.merge_range(
        2, 2, 2, LAST_COL, label("briefing_as_of_given" if c.as_of_given else "briefing_as_of_today"), s.muted
    )
    row = 3
    if c.year_over_year is not None:  # the trend in one line; the 同比 sheet has the detail
        from icx.consolidate.yoy_tables import trend_line

        text = trend_line(c.year_over_year, lang)
        ws.merge_range(row, 0, row, LAST_COL, text, s.wrap)
        heights[row] = DEFAULT_ROW * lines_needed(text, sum(widths))
        row += 1
    heights[row] = GAP_ROW
    top = row + 1  # the bands' titles

    # --- left band: key figures, then the chart of risks by level --------------------------------
    ws.merge_range(top, 0, top, 1, label("briefing_figures"), s.label)
    ws.write_string(top + 1, 0, label("figure"), s.header)
    ws.write_string(top + 1, 1, label("value"), s.header)
    r = top + 1
    level_rows = {}
    for key, value in c.figures.items():
        if key in BELOW_PAGE_FIGURES:  # the reconciliation under the page shows them (one page stays legible)
            continue
        r += 1
        ws.write_string(r, 0, figure_label(key, lang), s.text)
        write_value(ws, r, 1, value, s.percent1 if isinstance(value, float) else s.integer)
        if key in ("risks_level1", "risks_level2", "risks_level3"):
            level_rows[key] = r
    ws.merge_range(r + 2, 0, r + 2, 1, label("briefing_by_level"), s.label)
    left_chart = r + 3

    # --- middle band: business area × level, with each area's rectification ---------------------
    levels = [lv.level for lv in m.risk_levels]
    ws.merge_range(top, MID, top, MID + 7, label("briefing_areas"), s.label)
    heads = [
        header("register", "area", lang),
        *(level_name(m, lv, lang) for lv in levels),
        label("total"),
        label("briefing_done"),
        label("briefing_found"),
        label("briefing_rate"),
    ]
    for i, text in enumerate(heads):
        ws.write_string(top + 1, MID + i, text, s.header)
    risk_counts = b.area_levels(c)
    progress = {p.key: p for p in b.progress_by_area(c, summary._area_names)}
    areas = b.ordered_areas(c, [*risk_counts, *progress])
    r = top + 1
    area_first = r + 1
    for code in areas:
        r += 1
        counts = risk_counts.get(code, {})
        p = progress.get(code)
        ws.write_string(r, MID, one_line(summary.area_name(code), widths[MID]), s.text)
        for i, lv in enumerate(levels):
            ws.write_number(r, MID + 1 + i, counts.get(lv, 0), s.integer)
        col = MID + 1 + len(levels)
        ws.write_number(r, col, sum(counts.values()), s.integer)
        ws.write_number(r, col + 1, p.done if p else 0, s.integer)
        ws.write_number(r, col + 2, p.total if p else 0, s.integer)
        write_value(ws, r, col + 3, p.rate if p else None, s.percent1)
    area_last = r
    r += 1  # the total row: reconciles with the key figures on the left
    overall = b.overall_progress(c)
    ws.write_string(r, MID, label("total"), s.label)
    for i, lv in enumerate(levels):
        ws.write_number(r, MID + 1 + i, sum(cnt.get(lv, 0) for cnt in risk_counts.values()), s.label)
    col = MID + 1 + len(levels)
    ws.write_number(r, col, sum(sum(cnt.values()) for cnt in risk_counts.values()), s.label)
    ws.write_number(r, col + 1, overall.done, s.label)
    ws.write_number(r, col + 2, overall.total, s.label)
    write_value(ws, r, col + 3, overall.rate, s.percent1)
    mid_chart = r + 2

    # --- right band: units needing attention, then rectification by unit ------------------------
    ws.merge_range(top, RIGHT, top, LAST_COL, label("briefing_attention"), s.label)
    heads = [
        header("unit_info", "unit_name", lang),
        level_name(m, 1, lang),
        label("briefing_overdue"),
        label("briefing_conflicts"),
        label("briefing_score"),
    ]
    for i, text in enumerate(heads):
        ws.write_string(top + 1, RIGHT + i, text, s.header)
    r = top + 1
    needing = b.attention(c)
    for a in needing[: b.ATTENTION_SHOWN]:
        r += 1
        ws.write_string(r, RIGHT, one_line(a.unit.unit_name or a.unit.unit_code, widths[RIGHT]), s.text)
        for i, value in enumerate((a.level1, a.overdue, a.conflicts)):
            ws.write_number(r, RIGHT + 1 + i, value, s.integer)
        write_value(ws, r, RIGHT + 4, a.score, s.percent1)
    if not needing:
        r += 1
        ws.write_string(r, RIGHT, label("briefing_none"), s.muted)
    rule = label("briefing_attention_rule").format(n=len(needing), shown=min(len(needing), b.ATTENTION_SHOWN))
    rule_lines = lines_needed(rule, span(RIGHT, LAST_COL))
    ws.merge_range(r + 1, RIGHT, r + rule_lines, LAST_COL, rule, s.note)
    r += rule_lines + 2
    ws.merge_range(
        r,
        RIGHT,
        r,
        LAST_COL,
        label("briefing_progress").format(
            done=overall.done, total=overall.total, rate="—" if overall.rate is None else f"{overall.rate:.1f}%"
        ),
        s.label,
    )
    r += 1
    heads = [label("briefing_by_unit"), label("briefing_done"), label("briefing_found"), label("briefing_rate")]
    for i, text in enumerate(heads):
        ws.write_string(r, RIGHT + i, text, s.header)
    units = b.progress_by_unit(c)
    for p in units[: b.PROGRESS_UNITS_SHOWN]:
        r += 1
        ws.write_string(r, RIGHT, one_line(p.name or p.key, widths[RIGHT]), s.text)
        ws.write_number(r, RIGHT + 1, p.done, s.integer)
        ws.write_number(r, RIGHT + 2, p.total, s.integer)
        write_value(ws, r, RIGHT + 3, p.rate, s.percent1)
    if not units:
        r += 1
        ws.write_string(r, RIGHT, label("briefing_none"), s.muted)
    band_end = max(r, left_chart + MIN_CHART_ROWS - 1, mid_chart + MIN_CHART_ROWS - 1)

    # --- the charts, each on the cells under its own table -----------------------------------------
    name = sheet("overview", lang)
    chart_rows = lambda first: [heights.get(i, DEFAULT_ROW) for i in range(first, band_end + 1)]  # noqa: E731
    first, last = min(level_rows.values()), max(level_rows.values())
    chart = summary.wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": label("briefing_by_level"),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 1, last, 1],
            "points": [{"fill": {"color": f"#{lv.color}"}} for lv in m.risk_levels],
            "data_labels": {"value": True, "font": {"name": CJK_FONT, "size": 10}},
            "gap": 60,
        }
    )
    style_chart(chart, "", legend=None)
    chart.set_title({"none": True})
    w, h = xlsxwriter_px(widths[0:2], chart_rows(left_chart))
    chart.set_size({"width": w - 4, "height": h - 4})
    ws.insert_chart(left_chart, 0, chart, {"x_offset": 2, "y_offset": 2})
    if areas:
        chart = summary.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for i, lv in enumerate(m.risk_levels):
            chart.add_series(
                {
                    "name": [name, top + 1, MID + 1 + i],
                    "categories": [name, area_first, MID, area_last, MID],
                    "values": [name, area_first, MID + 1 + i, area_last, MID + 1 + i],
                    "fill": {"color": f"#{lv.color}"},
                    "gap": 40,
                }
            )
        style_chart(chart, "", y_axis={"reverse": True}, legend="right")
        chart.set_title({"none": True})
        w, h = xlsxwriter_px(widths[MID : MID + 8], chart_rows(mid_chart))
        chart.set_size({"width": w - 4, "height": h - 4})
        ws.insert_chart(mid_chart, MID, chart, {"x_offset": 2, "y_offset": 2})

    # --- the ten highest risks, across the page -------------------------------------------------
    r = band_end + 1
    heights[r] = GAP_ROW
    r += 1
    ws.merge_range(r, 0, r, LAST_COL, label("briefing_top_risks"), s.label)
    r += 1
    h = lambda k: header("register", k, lang)  # noqa: E731
    score_fmt = summary.wb.add_format(
        {"font_name": CJK_FONT, "font_size": FONT_SIZE, "valign": "top", "num_format": "0.00", "align": "center"}
    )
    heads = [
        header("unit_info", "unit_name", lang),
        h("description"),
        h("area"),
        label("briefing_level"),
        h("score"),
        h("owner"),
    ]
    for (first, last), text in zip(TOP_SPANS, heads):
        merge(r, first, last, text, s.header)
    for item in b.top_risks(c):
        r += 1
        risk = item.risk
        values = [
            item.unit.unit_name or item.unit.unit_code,
            risk.description,
            summary.area_name(risk.area),
            level_name(m, risk.level, lang),
            round(risk.score, 2),
            risk.owner,
        ]
        fmts = [s.text, s.text, s.text, s.levels[risk.level], score_fmt, s.text]
        for (first, last), value, fmt in zip(TOP_SPANS, values, fmts):
            if isinstance(value, str) and fmt is not s.levels[risk.level]:
                value = one_line(value, span(first, last))
            merge(r, first, last, value, fmt)

    # --- what was not counted, one line each with where it is listed -----------------------------
    r += 1
    heights[r] = GAP_ROW
    not_counted = c.accounting.not_counted  # every file found and not counted (报送情况 lists why)
    lines = [
        label("briefing_not_counted_none").format(n=len(c.accounting.counted))
        if not not_counted
        else label("briefing_not_counted").format(
            n=len(not_counted),
            names="、".join(Path(f.file).name for f in not_counted[:5]) + ("…" if len(not_counted) > 5 else ""),
        ),
        label("briefing_missing").format(
            n=len(c.missing),
            names="、".join(f"{e.unit_code} {e.unit_name}".strip() for e in c.missing[:8])
            + ("…" if len(c.missing) > 8 else ""),
        )
        if c.roster is not None and c.missing
        else label("briefing_missing_none").format(n=len(c.roster.entries))
        if c.roster is not None
        else label("briefing_no_roster"),
    ]
    below = [label("reconciliation_below")]
    if c.oversight_figures:
        below.append(i18n.label("oversight_overview", summary.lang))
    unknown = [u for u in c.units if u.unknown_duties]
    if unknown:
        below.append(f"{label('unknown_duties')} {len(unknown)}")
    if below:
        lines.append(label("briefing_below").format(items="；".join(below)))
    for text in lines:  # nothing beside them: a long line wraps
        r += 1
        ws.merge_range(r, 0, r, LAST_COL, text, s.wrap)
        heights[r] = DEFAULT_ROW * lines_needed(text, sum(widths))
    ws.print_area(0, 0, r, LAST_COL)
    for i in range(r + 1):  # every row's height stated: charts sit on the cells planned in every
        ws.set_row(i, heights.get(i, DEFAULT_ROW))  # program (LibreOffice's default row is lower)
    _lists_below(summary, ws, r + 3)
    ws.activate()


def _lists_below(summary: _Summary, ws: Worksheet, row: int) -> None:
    """The full lists under the printed page (on screen: the clerk's part): units that did not
    submit with their contacts, files claiming the same unit code, units with unknown duties."""
    from icx.consolidate.summary import figure_label, header

    c, s, lang = summary.c, summary.s, summary.lang
    label = summary.label
    if c.missing:
        ws.write_string(row, 0, label("missing_units"), s.label)
        row += 1
        cols = [
            *summary.unit_headers(),
            Column(header("roster", "contact", lang), 16),
            Column(header("roster", "email", lang), 24),
        ]
        for col_index, col in enumerate(cols):
            ws.write_string(row, col_index, col.header, s.header)
        for e in c.missing:
            row += 1
            for col_index, value in enumerate((e.unit_code, e.unit_name, e.contact, e.email)):
                write_value(ws, row, col_index, value, s.text)
        row += 2
    # the reconciliation (files found = counted + not counted + skipped; roster units likewise),
    # its listings on 报送情况 in the appendix; duplicates are among the files not counted there
    for key in BELOW_PAGE_FIGURES:  # label and value, as the key figures are (icx email reads them)
        if key in c.figures:
            ws.write_string(row, 0, figure_label(key, lang), s.text)
            write_value(ws, row, 1, c.figures[key], s.integer)
            row += 1
    row = write_reconciliation(ws, s, c, lang, row + 1, widen=False)
    if c.oversight_figures:
        row = oversight.write_overview_block(summary, ws, row)
    unknown = [u for u in c.units if u.unknown_duties]
    if unknown:  # duties no rule knows: those units' conflict checks may be incomplete
        ws.write_string(row, 0, label("unknown_duties"), s.label)
        row += 1
        heads = [*(col.header for col in summary.unit_headers()), label("unknown_count"), label("unknown_names")]
        for col_index, text in enumerate(heads):
            ws.write_string(row, col_index, text, s.header)
        for unit in unknown:
            row += 1
            names = "、".join(unit.unknown_duties)
            for col_index, value in enumerate((unit.unit_code, unit.unit_name, len(unit.unknown_duties), names)):
                write_value(ws, row, col_index, value, s.integer if col_index == 2 else s.text)
