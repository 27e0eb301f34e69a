"""The 同比 (year-over-year) part as plain tables: titles, columns and rows built once from a
``YearOverYear``, drawn by the committee workbook (XlsxWriter) and by each unit's feedback
workbook (openpyxl). A unit's feedback passes its code and gets only its own rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icx import i18n
from icx.core.codes import code_key
from icx.core.history import DESCRIPTION_MATCH, YearOverYear
from icx.core.methodology import Methodology

KIND_ORDER = ("escalated", "new", "deescalated", "closed")


@dataclass(frozen=True)
class TableColumn:
    header: str
    width: float = 12
    kind: str = "text"  # text | wrap | integer | decimal | percent1 | date


@dataclass
class YoyTable:
    title: str
    columns: list[TableColumn]
    rows: list[list[Any]] = field(default_factory=list)


def trend_line(yoy: YearOverYear, lang: i18n.Lang) -> str:
    """One sentence for the briefing: totals, 一级, changes, repeated findings, completion."""
    done, known, rate = yoy.completion()
    completion = f"{rate:.1f}% ({done}/{known})" if rate is not None else "—"
    return i18n.label("history_trend_line", lang).format(
        before=yoy.before,
        total_before=sum(yoy.total.before),
        total_now=sum(yoy.total.now),
        l1_before=yoy.total.before[0],
        l1_now=yoy.total.now[0],
        new=yoy.count("new"),
        closed=yoy.count("closed"),
        escalated=yoy.count("escalated"),
        deescalated=yoy.count("deescalated"),
        repeated=len(yoy.repeated),
        completion=completion,
    )


def yoy_tables(yoy: YearOverYear, lang: i18n.Lang, m: Methodology, *, unit_code: str | None = None) -> list[YoyTable]:
    """The tables of the 同比 part, for all units or (``unit_code``) for one unit."""
    label = lambda key: i18n.label(key, lang)  # noqa: E731
    key = code_key(unit_code) if unit_code is not None else None
    mine = lambda code: key is None or code_key(code) == key  # noqa: E731
    levels = [m.level_name(lv, lang) for lv in (1, 2, 3)]
    areas = {a.code: ((a.short_zh or a.name_zh) if lang == "zh" else a.name_en) for a in m.areas}
    before, now, change = label("history_before"), label("history_now"), label("history_change")
    tables: list[YoyTable] = []

    by_unit = [u for u in yoy.by_unit if mine(u.key)]
    totals = YoyTable(
        label("history_yoy_totals"),
        [
            TableColumn(""),
            *(TableColumn(name, 9, "integer") for name in levels),
            TableColumn(label("history_total"), 9, "integer"),
        ],
    )
    before_counts = [sum(u.before[i] for u in by_unit) for i in range(3)] if key else list(yoy.total.before)
    now_counts = [sum(u.now[i] for u in by_unit) for i in range(3)] if key else list(yoy.total.now)
    totals.rows = [
        [before, *before_counts, sum(before_counts)],
        [now, *now_counts, sum(now_counts)],
        [change, *(n - b for n, b in zip(now_counts, before_counts)), sum(now_counts) - sum(before_counts)],
    ]
    tables.append(totals)

    if key is None:
        unit_table = YoyTable(
            label("history_yoy_by_unit"),
            [
                TableColumn(label("history_unit_code"), 10),
                TableColumn(label("history_unit_name"), 18, "wrap"),
                *(TableColumn(f"{name}\n{when}", 7, "integer") for name in levels for when in (before, now)),
                TableColumn(f"{label('history_score')}\n{before}", 9, "decimal"),
                TableColumn(f"{label('history_score')}\n{now}", 9, "decimal"),
                *(TableColumn(label(f"history_kind_{kind}"), 7, "integer") for kind in KIND_ORDER),
                TableColumn(label("history_repeated_count"), 8, "integer"),
                TableColumn(label("history_completion"), 9, "percent1"),
            ],
        )
        scores = {code_key(s.unit_code): s for s in yoy.scores}
        for u in by_unit:
            score = scores.get(code_key(u.key))
            counts = [value for i in range(3) for value in (u.before[i], u.now[i])]
            repeated = sum(1 for r in yoy.repeated if code_key(r.unit_code) == code_key(u.key))
            unit_table.rows.append(
                [
                    u.key,
                    u.name,
                    *counts,
                    score.before if score else None,
                    score.now if score else None,
                    *(yoy.count(kind, u.key) for kind in KIND_ORDER),
                    repeated,
                    yoy.completion(u.key)[2],
                ]
            )
        tables.append(unit_table)
        area_table = YoyTable(
            label("history_yoy_by_area"),
            [
                TableColumn(label("history_area"), 12),
                *(TableColumn(f"{name}\n{when}", 7, "integer") for name in levels for when in (before, now)),
                TableColumn(f"{label('history_total')}\n{before}", 8, "integer"),
                TableColumn(f"{label('history_total')}\n{now}", 8, "integer"),
            ],
        )
        for a in yoy.by_area:
            counts = [value for i in range(3) for value in (a.before[i], a.now[i])]
            area_table.rows.append([areas.get(a.key, a.name), *counts, sum(a.before), sum(a.now)])
        tables.append(area_table)

    changes = YoyTable(
        label("history_yoy_changes"),
        [
            *([] if key else [TableColumn(label("history_unit_code"), 10)]),
            TableColumn(label("history_kind"), 8),
            TableColumn(label("history_risk_before"), 9),
            TableColumn(label("history_risk_now"), 9),
            TableColumn(label("history_area"), 9),
            TableColumn(label("history_description"), 40, "wrap"),
            TableColumn(label("history_level_before"), 8),
            TableColumn(label("history_level_now"), 8),
            TableColumn(label("history_score_before"), 8, "decimal"),
            TableColumn(label("history_score_now"), 8, "decimal"),
            TableColumn(label("history_matched_by"), 12),
        ],
    )
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    listed = sorted(
        (c for c in yoy.risks if c.kind in order and mine(c.unit_code)),
        key=lambda c: (code_key(c.unit_code), order[c.kind]),
    )
    for c in listed:
        risk = c.now or c.before
        assert risk is not None
        if c.matched_by == "description":
            how = label("history_matched_description").format(similarity=f"{c.similarity:.2f}")
        elif c.matched_by == "id":
            how = label("history_matched_id")
        else:
            how = ""
        changes.rows.append(
            [
                *([] if key else [c.unit_code]),
                label(f"history_kind_{c.kind}"),
                c.before.risk_id if c.before else "",
                c.now.risk_id if c.now else "",
                areas.get(risk.area, risk.area),
                risk.description,
                m.level_name(c.before.level, lang) if c.before else "",
                m.level_name(c.now.level, lang) if c.now else "",
                c.before.score if c.before else None,
                c.now.score if c.now else None,
                how,
            ]
        )
    tables.append(changes)

    repeated = YoyTable(
        label("history_yoy_repeated"),
        [
            *([] if key else [TableColumn(label("history_unit_code"), 10)]),
            TableColumn(label("history_item"), 9),
            TableColumn(label("history_area"), 9),
            TableColumn(label("history_deficiency_before"), 34, "wrap"),
            TableColumn(label("history_deficiency_now"), 34, "wrap"),
            TableColumn(label("history_status_now"), 10),
        ],
    )
    for r in yoy.repeated:
        if mine(r.unit_code):
            repeated.rows.append(
                [
                    *([] if key else [r.unit_code]),
                    r.now.item_id,
                    areas.get(r.now.area, r.now.area),
                    r.before.description,
                    r.now.description,
                    _status(r.now.status, lang),
                ]
            )
    tables.append(repeated)

    rectification = YoyTable(
        label("history_yoy_rectification"),
        [
            *([] if key else [TableColumn(label("history_unit_code"), 10)]),
            TableColumn(label("history_item"), 9),
            TableColumn(label("history_area"), 9),
            TableColumn(label("history_deficiency_before"), 40, "wrap"),
            TableColumn(label("history_deadline"), 11, "date"),
            TableColumn(label("history_outcome"), 16, "wrap"),
        ],
    )
    for r in yoy.rectifications:
        if mine(r.unit_code):
            d = r.deficiency
            rectification.rows.append(
                [
                    *([] if key else [r.unit_code]),
                    d.item_id,
                    areas.get(d.area, d.area),
                    d.description,
                    d.deadline,
                    label(f"history_outcome_{r.outcome}"),
                ]
            )
    tables.append(rectification)
    return tables


def rule_note(lang: i18n.Lang) -> str:
    return i18n.label("history_yoy_rule", lang).format(threshold=DESCRIPTION_MATCH)


def _status(code: str, lang: i18n.Lang) -> str:
    from icx.core.evaluation import default_config

    try:
        return default_config().wording("statuses", code).label(lang) if code else ""
    except StopIteration:  # a status code the checklist does not know: shown as it is
        return code
