"""Workbooks drawn from the history store: a unit's, an area's or all units' risk trend over
every recorded period, as a table with charts (``icx history trend``)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from icx import i18n
from icx.core.methodology import Methodology, default_methodology
from icx.io.history_store import HistoryStore
from icx.io.outputs import mark_xlsxwriter
from icx.io.safety import atomic_output

FONT = "Microsoft YaHei"


def write_trend(
    store: HistoryStore,
    target: str | Path,
    *,
    unit_code: str | None = None,
    area: str | None = None,
    lang: i18n.Lang = "zh",
    methodology: Methodology | None = None,
) -> Path:
    """One sheet: per period the risks by level (and, for a unit, its self-evaluation score),
    a stacked column chart of the levels and a line chart of the score under the table."""
    m = methodology or default_methodology()
    label = lambda key: i18n.label(key, lang)  # noqa: E731
    levels = store.level_trend(unit_code=unit_code, area=area)
    infos = {i.period: i for i in store.periods()}
    scores = dict(store.score_trend(unit_code)) if unit_code is not None else {}
    if unit_code is not None:
        subject = f"{label('history_trend_unit')} {unit_code}"
    elif area is not None:
        found = m.area(area)
        name = ((found.short_zh or found.name_zh) if lang == "zh" else found.name_en) if found else area
        subject = f"{label('history_trend_area')} {name}"
    else:
        subject = label("history_trend_all")
    title = f"{label('history_trend_title')} — {subject}"
    target = Path(target)
    with atomic_output(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        mark_xlsxwriter(wb, "trend")
        base = {"font_name": FONT, "font_size": 10}
        bold = wb.add_format({**base, "bold": True, "font_size": 14})
        head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        text = wb.add_format({**base, "border": 1})
        number = wb.add_format({**base, "border": 1, "num_format": "0"})
        decimal = wb.add_format({**base, "border": 1, "num_format": "0.0"})
        date = wb.add_format({**base, "border": 1, "num_format": "yyyy-mm-dd"})
        muted = wb.add_format({**base, "border": 1, "font_color": "#808080"})
        sheet_name = label("history_trend_sheet")
        ws = wb.add_worksheet(sheet_name)
        ws.set_paper(9)  # A4 portrait: the table and both charts stacked on one page
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C&P / &N")
        ws.write_string(0, 0, title, bold)
        names = [m.level_name(lv, lang) for lv in (1, 2, 3)]
        headers = [label("history_period"), label("history_as_of"), *names, label("history_total")]
        if unit_code is not None:
            headers.append(label("history_score"))
        widths = [14, 12, 9, 9, 9, 9, 12]
        for c, header in enumerate(headers):
            ws.write_string(2, c, header, head)
            ws.set_column(c, c, widths[c])
        for r, (period, l1, l2, l3) in enumerate(levels, start=3):
            ws.write_string(r, 0, period, text)
            ws.write_datetime(r, 1, _datetime(infos[period].as_of), date)
            for c, value in enumerate((l1, l2, l3, l1 + l2 + l3), start=2):
                ws.write_number(r, c, value, number)
            if unit_code is not None:
                if period in scores and scores[period] is not None:
                    ws.write_number(r, 6, scores[period], decimal)
                elif period not in scores:
                    ws.write_string(r, 6, label("history_not_reported"), muted)
                else:
                    ws.write_blank(r, 6, None, text)
        first, last = 3, 2 + len(levels)
        if levels:
            chart = wb.add_chart({"type": "column", "subtype": "stacked"})
            for i, lv in enumerate(m.risk_levels):
                chart.add_series(
                    {
                        "name": [sheet_name, 2, 2 + i],
                        "categories": [sheet_name, first, 0, last, 0],
                        "values": [sheet_name, first, 2 + i, last, 2 + i],
                        "fill": {"color": f"#{lv.color}"},
                        "border": {"color": "#7F7F7F"},
                    }
                )
            chart.set_title({"name": label("history_chart_levels"), "name_font": {"size": 12}})
            most = max(l1 + l2 + l3 for _, l1, l2, l3 in levels)
            chart.set_y_axis({"min": 0, "num_format": "0", "major_unit": max(1, -(-most // 5))})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 620, "height": 300})
            ws.insert_chart(last + 2, 0, chart)
            if unit_code is not None:
                line = wb.add_chart({"type": "line"})
                line.add_series(
                    {
                        "name": label("history_score"),
                        "categories": [sheet_name, first, 0, last, 0],
                        "values": [sheet_name, first, 6, last, 6],
                        "marker": {"type": "circle"},
                        "data_labels": {"value": True, "num_format": "0.0"},
                    }
                )
                line.set_title({"name": label("history_chart_score"), "name_font": {"size": 12}})
                line.set_y_axis({"min": 0, "max": 100})
                line.set_legend({"none": True})
                line.set_size({"width": 620, "height": 260})
                ws.insert_chart(last + 18, 0, line)
        wb.close()
    return target


def _datetime(value):  # noqa: ANN001, ANN202 — a date as XlsxWriter wants it
    import datetime as dt

    return dt.datetime.combine(value, dt.time())
