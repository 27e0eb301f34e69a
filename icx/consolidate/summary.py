"""The committee summary workbook (内部控制委员会汇总), written with XlsxWriter.

Sheets, in order: the meeting's — 概览 (the one-page briefing), 各单位风险 (+ stacked bar chart),
风险热力图, 一级风险, 冲突清单, 自我评价 (+ chart), 基础性评价, 同比, 缺陷整改 — then the appendix
(附录: 风险排序, 评分差异, 问题清单, 说明; ``icx.consolidate.pack``). Labels in Chinese (or English with
``lang="en"``) from the catalogue. Two contracts are read back by ``icx remind``/email:
概览 holds every key figure as a label (column A) / value (column B) row, labels exactly those of
``icx/data/catalogue/figures.toml``; 缺陷整改 has exactly the header of the ``deficiencies`` table
spec in ``sheets.toml`` followed by the overdue flag.

The same consolidation gives the same cells (the generation time aside). The file is written to
a temp file beside the target and renamed.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from icx import __version__, i18n
from icx.consolidate import oversight
from icx.consolidate.accounting_sheet import write_submissions_sheet
from icx.consolidate.model import Consolidation, RankedRisk
from icx.consolidate.pack import APPENDIX_KEYS, APPENDIX_TAB
from icx.consolidate.records import UnitResult
from icx.consolidate.xlsx import Column, Styles, new_workbook, print_setup, sheet_title, table
from icx.consolidate.xlsx_rows import RowsWorkbook, write_value
from icx.core.errors import Problem
from icx.core.evaluation import default_config
from icx.core.methodology import Methodology
from icx.core.problem_list import grouped, place
from icx.io.outputs import mark_xlsxwriter
from icx.io.print_layout import DEFAULT_ROW, break_before_chart, print_scale, style_chart
from icx.io.safety import atomic_output, writable_text
from icx.io.specs import columns, sheet_names

CHART_UNITS = 40  # more bars than this make an unreadable chart; the table still lists every unit


def write_summary(c: Consolidation, target: str | Path, lang: i18n.Lang = "zh") -> Path:
    """Write the committee summary of ``c`` to ``target`` atomically and return ``target``."""
    target = Path(target)
    with atomic_output(target) as tmp:
        wb = new_workbook(tmp)
        _Summary(wb, c, lang).write_all()
        wb.close()
    return target


# --- labels ------------------------------------------------------------------------------------
def label(key: str, lang: i18n.Lang) -> str:
    return i18n.label(f"consolidate_{key}", lang)


def sheet(key: str, lang: i18n.Lang) -> str:
    return sheet_title(sheet_names(key)[0 if lang == "zh" else 1])


def header(table_name: str, key: str, lang: i18n.Lang) -> str:
    return next(s for s in columns(table_name) if s.key == key).header(lang)


def figure_label(key: str, lang: i18n.Lang) -> str:
    return i18n.section("figures")[key][lang]


def level_name(m: Methodology, level: int, lang: i18n.Lang) -> str:
    return m.level_name(level, lang)


class _Summary:
    def __init__(self, wb: RowsWorkbook, c: Consolidation, lang: i18n.Lang, title: str | None = None):
        self.wb, self.c, self.lang = wb, c, lang
        self.m = c.methodology
        self.s = Styles.of(wb, self.m)
        self.title = title or f"{label('title', lang)} {c.period or ''}".strip()
        wb.set_properties(
            {
                "title": writable_text(self.title),
                "subject": writable_text(c.period or ""),
                "creator": "icx",
                "created": c.generated,
            }
        )
        mark_xlsxwriter(wb, "summary")

    def label(self, key: str) -> str:
        """The catalogue label ``consolidate_<key>`` in the summary's language."""
        return label(key, self.lang)

    def unit_headers(self) -> list[Column]:
        return [
            Column(header("unit_info", "unit_code", self.lang), 11),
            Column(header("unit_info", "unit_name", self.lang), 22),
        ]

    def add(self, key: str) -> Worksheet:
        ws = self.wb.add_worksheet(sheet(key, self.lang))
        name = sheet_names(key)[0 if self.lang == "zh" else 1]
        if key in APPENDIX_KEYS:  # the clerk's material: a grey tab, 附录 in the page header
            ws.set_tab_color(APPENDIX_TAB)
            name = f"{self.label('appendix')} · {name}"
        print_setup(ws, f"{self.title} — {name}", lang=self.lang)
        return ws

    def write_all(self) -> None:
        # the meeting's sheets, then the appendix (``pack.APPENDIX_KEYS``): see icx.consolidate.pack
        self.overview()
        self.unit_risks()
        self.heatmap()
        self.level1()
        self.conflicts()
        self.evaluation()
        self.basic_evaluation()
        if self.c.year_over_year is not None:
            self.year_over_year()
        self.deficiencies()
        oversight.write_sheets(self)  # 岗位与授权, 风险应对, 待审定事项
        self.ranking()
        self.findings()
        self.submissions()
        self.problems()
        self.notes()

    # --- 概览: the one-page briefing ---------------------------------------------------------------
    def overview(self) -> None:
        from icx.consolidate.briefing_sheet import write_briefing

        write_briefing(self)

    # --- 报送情况 (its own module) -----------------------------------------------------------------
    def submissions(self) -> None:
        write_submissions_sheet(self.wb, self.s, self.c, self.lang, self.title)

    # --- 各单位风险 ------------------------------------------------------------------------------
    def unit_rows(self) -> list[UnitResult]:
        return [u for u in self.c.units if u.readable]

    def unit_risks(self) -> None:
        s, lang = self.s, self.lang
        ws = self.add("summary_unit_risks")
        units = self.unit_rows()
        cols = [
            *self.unit_headers(),
            *(Column(level_name(self.m, lv, lang), 8, "integer") for lv in (1, 2, 3)),
            Column(self.label("total"), 8, "integer"),
            Column(self.label("errors_count"), 8, "integer"),
            Column(self.label("file"), 36),
        ]  # the file's name: its folder and hash are in 说明 (the appendix)
        rows = []
        for u in units:
            counts = u.counts_by_level()
            rows.append(
                [
                    u.unit_code,
                    u.unit_name,
                    counts[1],
                    counts[2],
                    counts[3],
                    sum(counts.values()),
                    len(u.errors),
                    Path(u.file).name,
                ]
            )
        first, last = table(ws, s, 0, cols, rows)
        if rows:
            total_row = last + 1
            ws.write_string(total_row, 1, self.label("total"), s.label)
            for col in range(2, 7):
                ws.write_number(total_row, col, sum(r[col] for r in rows), s.integer)
            ws.conditional_format(
                first, 5, last, 5, {"type": "data_bar", "bar_color": "#9DC3E6", "data_bar_2010": False}
            )
            ws.conditional_format(first, 6, last, 6, {"type": "cell", "criteria": ">", "value": 0, "format": s.bad})
        self._unit_chart(ws, units, rows, first, last)

    def _unit_chart(self, ws: Worksheet, units: list[UnitResult], rows: list[list[Any]], first: int, last: int) -> None:
        if not rows:
            return
        name = sheet("summary_unit_risks", self.lang)
        title = self.label("chart_units")
        cat_col, val_col = 1, 2
        if len(rows) > CHART_UNITS:
            # A chart needs a contiguous range: the top units go in a small block under the table
            # (written after it, so rows stay in order when they are streamed to disk).
            top = sorted(rows, key=lambda r: (-r[2], -r[5], r[0]))[:CHART_UNITS]
            start = last + 3
            ws.write_string(
                start, 1, title + i18n.label("consolidate_chart_top", self.lang).format(n=CHART_UNITS), self.s.label
            )
            for r, row in enumerate(top, start=start + 1):
                write_value(ws, r, 0, row[0], self.s.text)
                write_value(ws, r, 1, row[1], self.s.text)
                for i in range(3):
                    ws.write_number(r, 2 + i, row[2 + i], self.s.integer)
            first, last = start + 1, start + len(top)
            title += i18n.label("consolidate_chart_top", self.lang).format(n=CHART_UNITS)
        chart = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for i, lv in enumerate(self.m.risk_levels):
            chart.add_series(
                {
                    "name": [name, 0, val_col + i],
                    "categories": [name, first, cat_col, last, cat_col],
                    "values": [name, first, val_col + i, last, val_col + i],
                    "fill": {"color": f"#{lv.color}"},
                    "border": {"color": "#7F7F7F"},
                    "gap": 60,
                }
            )
        style_chart(chart, title, y_axis={"reverse": True})
        height = max(300, 60 + 22 * (last - first + 1))
        chart.set_size({"width": 640, "height": height})
        anchor = max(last, len(rows)) + 3  # under the table (and the top units' block), never beside it
        break_before_chart(ws, anchor, DEFAULT_ROW * (anchor + 1), height, print_scale([11, 22, 8, 8, 8, 8, 8, 30]))
        ws.insert_chart(anchor, 0, chart)

    # --- 风险热力图 ------------------------------------------------------------------------------
    def heatmap(self) -> None:
        s, m, lang = self.s, self.m, self.lang
        ws = self.add("summary_heatmap")
        counts = [[0] * 5 for _ in range(5)]
        for item in self.c.ranked:
            counts[item.risk.likelihood_band - 1][item.risk.impact_band - 1] += 1
        ws.set_column(0, 0, 22)
        ws.set_column(1, 6, 12)
        ws.set_row(1, 30)  # row heights before the rows: rows may be streamed to disk as written
        for r in range(2, 7):
            ws.set_row(r, 36)
        ws.set_row(8, 30)
        ws.write_string(0, 0, sheet_names("summary_heatmap")[0 if lang == "zh" else 1], s.title)
        ws.write_string(1, 0, self.label("likelihood_axis"), s.header)
        for i in range(5):
            ws.write_string(1, 1 + i, f"{m.band_name(i + 1, lang)} ({i}–{i + 1}]", s.header)
        ws.write_string(1, 6, self.label("total"), s.header)
        for r, lb in enumerate(range(5, 0, -1), start=2):  # 极高 on top, like 表3
            ws.write_string(r, 0, f"{m.band_name(lb, lang)} ({lb - 1}–{lb}]", s.header)
            for ib in range(1, 6):
                ws.write_number(r, ib, counts[lb - 1][ib - 1], s.levels[m.matrix.level(lb, ib)])
            ws.write_number(r, 6, sum(counts[lb - 1]), s.integer)
        ws.write_string(7, 0, self.label("total"), s.label)
        for ib in range(1, 6):
            ws.write_number(7, ib, sum(counts[lb][ib - 1] for lb in range(5)), s.integer)
        ws.write_number(7, 6, sum(map(sum, counts)), s.integer)
        ws.merge_range(8, 0, 8, 6, self.label("heatmap_note"), s.note)
        row = 10
        for lv in m.risk_levels:
            ws.write_string(row, 0, lv.name_zh if lang == "zh" else lv.name_en, s.levels[lv.level])
            ws.merge_range(row, 1, row, 6, lv.meaning_zh if lang == "zh" else lv.meaning_en, s.text)
            row += 1
        custom = [u for u in self.c.units if u.methodology_custom]
        if custom:
            row += 1
            ws.merge_range(row, 0, row, 6, self.label("heatmap_custom"), s.note)
            for u in custom:
                row += 1
                write_value(ws, row, 0, u.unit_code, s.text)
                write_value(ws, row, 1, u.unit_name, s.text)
                write_value(ws, row, 3, u.methodology_name, s.text)
        ws.print_area(0, 0, max(row, 13), 6)

    # --- 一级风险 / 风险排序 ---------------------------------------------------------------------
    def risk_columns(self, with_level: bool) -> list[Column]:
        lang = self.lang
        h = lambda k: header("register", k, lang)  # noqa: E731
        cols = [
            Column(self.label("overall_rank"), 7, "integer"),
            *self.unit_headers(),
            Column(h("id"), 10),
            Column(h("area"), 11),
            Column(h("process_step"), 12),
            Column(h("description"), 44, "wrap"),
            Column(h("likelihood"), 8, "decimal"),
            Column(h("impact"), 8, "decimal"),
            Column(h("score"), 8, "decimal"),
        ]
        if with_level:
            cols.append(Column(h("level"), 8))
        cols.append(Column(h("residual_level"), 8))
        cols += [
            Column(h("response"), 10),
            Column(h("controls"), 18, "wrap"),
            Column(h("owner_department"), 12),
            Column(h("owner"), 9),
            Column(self.label("unit_rank"), 8, "integer"),
        ]
        return cols

    def risk_row(self, item: RankedRisk, with_level: bool) -> list[Any]:
        r, u = item.risk, item.unit
        row: list[Any] = [
            item.rank,
            u.unit_code,
            u.unit_name,
            r.id,
            r.area_zh if self.lang == "zh" else r.area_en,
            r.process_step,
            r.description,
            round(r.likelihood, 4),
            round(r.impact, 4),
            round(r.score, 4),
        ]
        if with_level:
            row.append(level_name(self.m, r.level, self.lang))
        row.append(level_name(self.m, r.residual_level, self.lang) if r.residual_level else "")
        row += [r.response, r.controls, r.owner_department, r.owner, r.unit_rank]
        return row

    def level1(self) -> None:
        ws = self.add("summary_level1")
        level1 = [x for x in self.c.ranked if x.risk.level == 1]
        rows = (self.risk_row(x, False) for x in level1)  # produced as they are written
        first, last = table(ws, self.s, 0, self.risk_columns(False), rows, group=1)
        residual_col = 10
        for lv in self.m.risk_levels:
            ws.conditional_format(
                first,
                residual_col,
                max(first, last),
                residual_col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{level_name(self.m, lv.level, self.lang)}"',
                    "format": self.s.level_text[lv.level],
                },
            )

    def ranking(self, key: str = "summary_ranking") -> Worksheet:
        ws = self.add(key)
        cols = self.risk_columns(True)
        rows = (self.risk_row(x, True) for x in self.c.ranked)
        first, last = table(ws, self.s, 0, cols, rows)
        level_col = 11  # the residual level beside it (12) is coloured the same way
        for lv, col in ((lv, col) for lv in self.m.risk_levels for col in (level_col, level_col + 1)):
            ws.conditional_format(
                first,
                col,
                max(first, last),
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{level_name(self.m, lv.level, self.lang)}"',
                    "format": self.s.level_text[lv.level],
                },
            )
        return ws

    # --- 冲突清单 --------------------------------------------------------------------------------
    def conflicts(self) -> None:
        """Every conflict with its unit; columns of the checkers' own 冲突清单 (``columns("conflicts")``)."""
        ws = self.add("conflicts")
        lang, en = self.lang, self.lang == "en"
        widths = {
            "person": 10,
            "employee_id": 9,
            "posts": 20,
            "duty_a": 14,
            "duty_b": 14,
            "rule_id": 8,
            "area": 9,
            "basis": 30,
            "kind": 14,
            "severity": 6,
            "fix": 36,
            "reference": 12,
            "period": 18,
            "source": 18,
        }
        specs = columns("conflicts")
        wrapped = {"posts", "basis", "fix", "period", "source"}
        cols = [
            *self.unit_headers(),
            *(
                Column(spec.header(lang), widths.get(spec.key, 12), "wrap" if spec.key in wrapped else "text")
                for spec in specs
            ),
        ]
        rows = []
        for u in self.c.units:
            for k in u.conflicts:
                values = {
                    "person": k.person,
                    "employee_id": k.employee_id,
                    "posts": "、".join(k.posts),
                    "duty_a": k.duty_a_en if en else k.duty_a,
                    "duty_b": k.duty_b_en if en else k.duty_b,
                    "rule_id": k.rule_id,
                    "area": self.area_name(k.area),
                    "basis": k.basis_en if en else k.basis,
                    "kind": k.kind_label(lang),
                    "severity": k.severity_label(lang),
                    "fix": k.fix_en if en else k.fix,
                    "reference": k.reference,
                    "period": k.period,
                    "source": "；".join(k.sources),
                }
                rows.append([u.unit_code, u.unit_name, *(values.get(spec.key, "") for spec in specs)])
        first, last = table(ws, self.s, 0, cols, rows, group=0)
        severity_col = 2 + [spec.key for spec in specs].index("severity")
        ws.conditional_format(
            first,
            severity_col,
            max(first, last),
            severity_col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{i18n.label("conflicts_severity_high", lang)}"',
                "format": self.s.bad,
            },
        )

    def area_name(self, code: str) -> str:
        return self._area_names.get(code, code)

    @cached_property
    def _area_names(self) -> dict[str, str]:
        zh = self.lang == "zh"
        return {a.code: (a.short_zh or a.name_zh) if zh else a.name_en for a in reversed(self.m.areas)}

    # --- 自我评价 --------------------------------------------------------------------------------
    def evaluation_areas(self) -> list[str]:
        order = {a.code: i for i, a in enumerate(self.m.areas)}
        found = {a for u in self.c.units for a in u.evaluation_by_area}
        return sorted(found, key=lambda a: (order.get(a, len(order)), a))

    def evaluation(self) -> None:
        s = self.s
        ws = self.add("summary_evaluation")
        areas = self.evaluation_areas()
        units = [u for u in self.c.units if u.evaluated]
        cols = [
            *self.unit_headers(),
            *(Column(self.area_name(a), 10, "percent1") for a in areas),
            Column(self.label("total_score"), 10, "percent1"),
        ]
        rows = [
            [u.unit_code, u.unit_name, *(u.evaluation_by_area.get(a) for a in areas), u.evaluation_score] for u in units
        ]
        first, last = table(ws, s, 0, cols, rows)
        if not rows:
            return
        total_col = len(cols) - 1
        avg_row = last + 1
        ws.write_string(avg_row, 1, self.label("area_average"), s.label)
        for i in range(len(areas) + 1):
            values = [r[2 + i] for r in rows if r[2 + i] is not None]
            write_value(ws, avg_row, 2 + i, round(sum(values) / len(values), 2) if values else None, s.percent1)
        ws.conditional_format(
            first,
            2,
            last,
            total_col,
            {"type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"},
        )
        name = sheet("summary_evaluation", self.lang)
        title = self.label("chart_evaluation")
        cat, val = 1, total_col
        if len(rows) > CHART_UNITS:
            low = sorted(rows, key=lambda r: (r[total_col] if r[total_col] is not None else 101, r[0]))[:CHART_UNITS]
            title += i18n.label("consolidate_chart_evaluation_top", self.lang).format(n=CHART_UNITS)
            start = avg_row + 3
            ws.write_string(start, 1, title, s.label)
            for r, row in enumerate(low, start=start + 1):
                write_value(ws, r, 0, row[0], s.text)
                write_value(ws, r, 1, row[1], s.text)
                write_value(ws, r, 2, row[total_col], s.percent1)
            val, first, last = 2, start + 1, start + len(low)
        chart = self.wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": self.label("total_score"),
                "categories": [name, first, cat, last, cat],
                "values": [name, first, val, last, val],
                "fill": {"color": "#5B9BD5"},
                "data_labels": {"value": True, "num_format": "0.0"},
            }
        )
        style_chart(chart, title, x_axis={"min": 0, "max": 100}, y_axis={"reverse": True}, legend=None)
        height = max(300, 60 + 22 * (last - first + 1))
        chart.set_size({"width": 620, "height": height})
        anchor = last + 3  # under the table, never beside it
        break_before_chart(ws, anchor, DEFAULT_ROW * (anchor + 1), height)
        ws.insert_chart(anchor, 0, chart)

    # --- 基础性评价 (its own module) -----------------------------------------------------------------
    def basic_evaluation(self) -> None:
        from icx.consolidate.basic_evaluation_sheet import BasicEntry, write_basic_evaluation_sheet

        entries = [BasicEntry(u.unit_code, u.unit_name, u.basic_evaluation) for u in self.unit_rows()]
        write_basic_evaluation_sheet(self.wb, self.s, entries, self.lang, title=self.title)

    # --- 同比 ------------------------------------------------------------------------------------
    def year_over_year(self) -> None:
        from icx.consolidate.yoy_sheet import write_yoy_sheet

        write_yoy_sheet(self.wb, self.s, self.c.year_over_year, self.lang, self.m, self.title)

    # --- 缺陷整改 --------------------------------------------------------------------------------
    def deficiencies(self) -> None:
        s, lang = self.s, self.lang
        ws = self.add("deficiencies")
        widths = {
            "unit_code": 11,
            "unit_name": 20,
            "item_id": 9,
            "area": 10,
            "deficiency": 36,
            "grade": 10,
            "rectification": 30,
            "owner": 9,
            "owner_email": 22,
            "deadline": 11,
            "status": 9,
        }
        specs = columns("deficiencies")
        cols = [
            Column(
                spec.header(lang),
                widths.get(spec.key, 12),
                "date"
                if spec.key == "deadline"
                else ("wrap" if spec.key in ("deficiency", "rectification") else "text"),
            )
            for spec in specs
        ]
        cols += [Column(self.label("overdue"), 8), Column(self.label("days_overdue"), 8, "integer")]
        yes, no = self.label("yes"), self.label("no")
        cfg = default_config()
        label_of = lambda kind, code: cfg.wording(kind, code).label(lang) if code else ""  # noqa: E731
        rows = []
        for u in self.c.units:
            for d in sorted(u.open_deficiencies, key=lambda d: (not d.overdue, d.deadline or _FAR, d.item_id)):
                values = {
                    "unit_code": u.unit_code,
                    "unit_name": u.unit_name,
                    "item_id": d.item_id,
                    "area": self.area_name(d.area),
                    "deficiency": d.description,
                    "grade": label_of("grades", d.grade),
                    "rectification": d.rectification,
                    "owner": d.owner,
                    "owner_email": d.owner_email,
                    "deadline": d.deadline,
                    "status": label_of("statuses", d.status),
                }
                rows.append(
                    [values.get(spec.key) for spec in specs]
                    + [yes if d.overdue else no, d.days_overdue if d.overdue else None]
                )
            # overdue risk treatments join the deficiencies (icx remind reads this sheet)
            for values in oversight.overdue_rows(u, self.c.as_of, self.m, lang, self.area_name):
                rows.append([values.get(spec.key) for spec in specs] + [yes, values["days_overdue"]])
        first, last = table(ws, s, 0, cols, rows, group=0)
        flag = len(specs)
        ws.conditional_format(
            first,
            flag,
            max(first, last),
            flag,
            {"type": "cell", "criteria": "==", "value": f'"{yes}"', "format": s.bad},
        )

    # --- 评分差异 --------------------------------------------------------------------------------
    def findings(self) -> None:
        s = self.s
        ws = self.add("summary_findings")
        ws.merge_range(0, 0, 0, 8, self.label("findings_note"), s.note)
        ws.set_row(0, 45)
        cols = [
            *self.unit_headers(),
            Column(self.label("file"), 26),
            Column(self.label("sheet"), 10),
            Column(self.label("cell"), 7),
            Column(self.label("stored"), 10),
            Column(self.label("message_zh"), 40, "wrap"),
            Column(self.label("message_en"), 40, "wrap"),
        ]
        rows = [
            [u.unit_code, u.unit_name, u.file, p.sheet or "", p.cell or "", _given(p.given), p.message_zh, p.message_en]
            for u, p in self.c.findings()
        ]
        table(ws, s, 2, cols, rows, group=0, top_used=60)

    # --- 问题清单 --------------------------------------------------------------------------------
    def problems(self) -> None:
        s = self.s
        ws = self.add("problems")
        cols = [
            *self.unit_headers(),
            Column(self.label("file"), 28),
            Column(self.label("sheet"), 10),
            Column(self.label("cell"), 12, "wrap"),
            Column(self.label("severity"), 6),
            Column(self.label("code"), 16, "wrap"),
            Column(self.label("message_zh"), 44, "wrap"),
            Column(self.label("fix_zh"), 30, "wrap"),
            Column(self.label("message_en"), 44, "wrap"),
            Column(self.label("fix_en"), 30, "wrap"),
        ]
        sev = {"error": self.label("error"), "warning": self.label("warning"), "info": self.label("info")}
        rows: list[list[Any]] = [
            ["", "", p.file or "", p.sheet or "", _cell(p, self.lang), sev[p.severity], p.code, *_texts(p)]
            for p in grouped(self.c.input_problems)
        ]
        for u in self.c.files or self.c.units:  # each file's problems in sheet, row, column order, repeats said once
            rows += [
                [
                    u.unit_code,
                    u.unit_name,
                    p.file or u.file,
                    p.sheet or "",
                    _cell(p, self.lang),
                    sev[p.severity],
                    p.code,
                    *_texts(p),
                ]
                for p in grouped(u.problems)
            ]
        first, last = table(ws, s, 0, cols, rows, group=0)
        ws.conditional_format(
            first,
            5,
            max(first, last),
            5,
            {"type": "cell", "criteria": "==", "value": f'"{sev["error"]}"', "format": s.bad},
        )

    # --- 说明 ------------------------------------------------------------------------------------
    def notes(self) -> None:
        c, s, m, lang = self.c, self.s, self.m, self.lang
        ws = self.add("summary_notes")
        ws.set_column(0, 0, 26)
        ws.set_column(1, 1, 40)
        ws.set_column(2, 6, 14)
        ws.write_string(0, 0, label("title", lang), s.title)
        facts: list[tuple[str, Any, Any]] = [
            (self.label("period"), c.period or "", s.text),
            (self.label("as_of"), c.as_of, s.date),
            (self.label("generated"), c.generated.strftime("%Y-%m-%d %H:%M:%S"), s.text),
            (self.label("icx_version"), __version__, s.text),
            (self.label("methodology"), f"{m.name} {m.version}".strip(), s.text),
        ]
        if c.roster is not None:
            facts.append((self.label("roster"), c.roster.file, s.text))
            facts.append((f"{self.label('roster')} {self.label('sha256')}", c.roster.sha256, s.text))
        row = 2
        for name, value, fmt in facts:
            ws.write_string(row, 0, name, s.label)
            write_value(ws, row, 1, value, fmt)
            row += 1
        row += 1
        for key in ("notes_recompute", "notes_duplicates", "notes_expected"):
            ws.merge_range(row, 0, row, 6, self.label(key), s.note)
            ws.set_row(row, 30)
            row += 1
        row += 1
        ws.write_string(row, 0, self.label("band_edges"), s.label)
        ws.write_string(row, 1, self.label("band_rule"), s.text)
        row += 1
        ws.write_string(row, 0, header("register", "likelihood", lang), s.label)
        ws.write_string(row, 1, " / ".join(f"{e:.0%}" for e in m.likelihood.probability_edges), s.text)
        row += 1
        ws.write_string(row, 0, header("register", "loss_amount", lang), s.label)
        ws.write_string(row, 1, " / ".join(f"{e:,.0f}" for e in m.impact.money_edges), s.text)
        row += 2
        ws.write_string(row, 0, self.label("level_matrix"), s.label)
        row += 1
        ws.write_string(row, 0, self.label("likelihood_axis"), s.header)
        for i in range(5):
            ws.write_string(row, 1 + i, m.band_name(i + 1, lang), s.header)
        for lb in range(5, 0, -1):
            row += 1
            ws.write_string(row, 0, m.band_name(lb, lang), s.header)
            for ib in range(1, 6):
                level = m.matrix.level(lb, ib)
                ws.write_string(row, ib, level_name(m, level, lang), s.levels[level])
        row += 2
        ws.write_string(row, 0, self.label("inputs"), s.label)
        cols = [
            Column(self.label("file"), 26),
            *self.unit_headers(),
            Column(self.label("size"), 11, "integer"),
            Column(self.label("sha256"), 66),
            Column(self.label("methodology"), 14),
            Column(self.label("read_ok"), 10),
        ]
        # This block sits below the notes, so it gets its own header and filter but no frozen pane.
        rows = [
            [
                u.file,
                u.unit_code,
                u.unit_name,
                u.size,
                u.sha256,
                f"{self.label('methodology_own')}: {u.methodology_name}"
                if u.methodology_custom
                else self.label("methodology_default"),
                "OK" if u.readable else self.label("read_failed"),
            ]
            for u in sorted(c.files or c.units, key=lambda u: u.file)
        ]
        table(ws, s, row + 1, cols, rows, freeze=False)


_FAR = dt.date.max


def _cell(p: Any, lang: i18n.Lang = "zh") -> str:
    if p.cell:
        if p.count > 1:  # "G5:G77，共73处"
            return place(
                p.model_copy(update={"location": p.location.model_copy(update={"file": None, "sheet": None})}), lang
            )
        return p.cell
    return f"row {p.row}" if p.row is not None else ""


def _texts(p: Problem) -> tuple[str, str, str, str]:
    """Message and how to fix it, in Chinese and English."""
    return p.message_zh, p.fix_zh, p.message_en, p.fix_en


def _given(value: Any) -> Any:
    if isinstance(value, (int, float, str)) or value is None:
        return value
    return str(value)
