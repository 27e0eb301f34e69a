"""Build unit workbooks for the check tests, following the layout contract of the templates:
不相容岗位 holds three tables side by side on one header row (an empty column between), control
matrices are sheets named 风险控制矩阵-<area>, the log is 支出审批记录, the checklist 自我评价.
Headers come from the catalogue, so the tests follow any renaming there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from icx.io.save import save_workbook
from icx.io.specs import columns, sheet_names


def headers(table: str, keys: Sequence[str] | None = None, lang: str = "zh") -> list[str]:
    specs = {s.key: s for s in columns(table)}
    return [specs[k].header(lang) for k in (keys or [s.key for s in columns(table) if not s.numbered])]


def keys_of(table: str, rows: Iterable[dict[str, Any]]) -> list[str]:
    """The catalogue keys (in catalogue order) used by any of ``rows``, at least the required ones."""
    used = {k for row in rows for k in row}
    return [s.key for s in columns(table) if s.key in used or s.required]


def put_table(
    ws,
    table: str,
    rows: list[dict[str, Any]],
    *,
    top: int,
    left: int,
    keys: Sequence[str] | None = None,
    lang: str = "zh",
) -> tuple[int, int]:
    """Write a header at (top, left) and the rows under it (1-based); returns (first, last) column."""
    keys = list(keys or keys_of(table, rows))
    for c, text in enumerate(headers(table, keys, lang)):
        ws.cell(row=top, column=left + c, value=text)
    for r, row in enumerate(rows, start=top + 1):
        for c, key in enumerate(keys):
            ws.cell(row=r, column=left + c, value=row.get(key))
    return left, left + len(keys) - 1


def build(
    path: Path,
    *,
    duty_rules: list[dict] | None = None,
    post_duties: list[dict] | None = None,
    person_posts: list[dict] | None = None,
    transactions: list[dict] | None = None,
    evaluation: list[dict] | None = None,
    controls: list[dict] | None = None,
    lang: str = "zh",
    gap: int = 1,
    header_row: int = 3,
) -> Path:
    """A unit workbook with the given tables (a table left as None is not written)."""
    i = 0 if lang == "zh" else 1
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = sheet_names("unit_info")[i]
    info["A1"], info["B1"] = "单位名称", "测试单位"
    if post_duties is not None or person_posts is not None or duty_rules is not None:
        ws = wb.create_sheet(sheet_names("duties")[i])
        ws.cell(row=1, column=1, value="不相容岗位设置")  # a title row above the header
        left = 1
        for table, rows in (("duty_rules", duty_rules), ("post_duties", post_duties), ("person_posts", person_posts)):
            if rows is None:
                continue
            _, last = put_table(ws, table, rows, top=header_row, left=left, lang=lang)
            left = last + 1 + gap
    if transactions is not None:
        ws = wb.create_sheet(sheet_names("transaction_log")[i])
        put_table(ws, "transaction_log", transactions, top=1, left=1, lang=lang)
    for area, rows in _by_area(controls or []).items():
        ws = wb.create_sheet(f"{sheet_names('control_matrix')[i]}-{area}")
        put_table(
            ws,
            "control_matrix",
            rows,
            top=2,
            left=1,
            lang=lang,
            keys=["control_id", "activity", "prepare_post", "review_post", "approve_post"],
        )
    if evaluation is not None:
        ws = wb.create_sheet(sheet_names("evaluation")[i])
        ws.cell(row=1, column=1, value="内部控制自我评价表")
        put_table(ws, "evaluation", evaluation, top=2, left=1, lang=lang)
    return save_workbook(wb, path)


def _by_area(controls: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in controls:
        out.setdefault(c.get("area_name", "预算"), []).append(c)
    return out


def from_demo(path: Path, unit: Any) -> Path:
    """The check-relevant sheets of a DemoUnit (until the template engineer's demo writes them)."""
    return build(
        path,
        duty_rules=unit.duty_rules,
        post_duties=unit.post_duties,
        person_posts=unit.person_posts,
        transactions=unit.transactions,
        evaluation=unit.evaluation,
        controls=[dict(c, area_name=c.get("area_name", "预算")) for c in unit.controls] or None,
    )
