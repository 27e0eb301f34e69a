"""What became of every file and every unit, for the committee: the 报送情况 sheet and the
reconciliation block of 概览.

The numbers and lists are ``Consolidation.accounting`` (``icx.consolidate.accounting``); this
module only lays them out. ``write_reconciliation`` writes the compact block (each identity on
one line, its parts in their own cells, and whether it adds up) wherever the overview places it;
``write_submissions_sheet`` writes the listings: units on the roster and their status, files
claiming one unit (重复报送（未计入）) with 填报日期 and modification time, files of another period,
every other file not counted with its reason and what to do, units not on the roster (名单外单位),
and the files skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from icx import i18n
from icx.consolidate.accounting import COUNTED, NOT_COUNTED, NOT_SUBMITTED, SKIPPED, FileEntry, Identity
from icx.consolidate.xlsx import Styles, print_setup, sheet_title
from icx.consolidate.xlsx_rows import write_value
from icx.core.problem_list import text_width
from icx.io.print_layout import row_height, within_min_scale
from icx.io.specs import columns, sheet_names

SHEET = "summary_submissions"
REASON_WIDTH = 64  # the reasons column of the reconciliation block
REASON_CHARS = REASON_WIDTH - 4  # what fits on one line, in half-width characters


def _label(key: str, lang: i18n.Lang) -> str:
    return i18n.label(f"consolidate_{key}", lang)


def reason_label(reason: str, lang: i18n.Lang) -> str:
    """The words for a not-counted or skip reason."""
    for prefix in ("reason", "skip"):
        key = f"consolidate_{prefix}_{reason}"
        try:
            return i18n.label(key, lang)
        except KeyError:
            continue
    return reason


def status_label(status: str, lang: i18n.Lang) -> str:
    return _label(f"status_{status}", lang)


def identity_label(identity: Identity, has_roster: bool, lang: i18n.Lang) -> str:
    if identity.name == "units" and not has_roster:
        return _label("identity_units_no_roster", lang)
    return _label(f"identity_{identity.name}", lang)


def breakdown(parts: Sequence[tuple[str, str, int]], lang: i18n.Lang) -> str:
    """'重复报送（未计入）2、其他期间 1' for the parts that have a reason."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{reason_label(r, lang)} {n}" for _, r, n in parts if r and n)


def write_reconciliation(ws: Worksheet, s: Styles, c: Any, lang: i18n.Lang, row: int, widen: bool = True) -> int:
    """The reconciliation block of 概览 at ``row``: a header, then per identity its total, the
    counted, not counted and skipped (or not submitted) parts and the reasons; returns the next
    free row. Every number is a cell of its own, so a reader can add them up."""
    a = c.accounting
    if widen:  # the reasons, on one line each (not under the briefing, whose columns are planned)
        ws.set_column(5, 5, REASON_WIDTH)
        ws.set_column(6, 6, 12)
    ws.write_string(row, 0, _label("reconciliation", lang), s.label)
    row += 1
    heads = [
        "",
        _label("total", lang),
        status_label(COUNTED, lang),
        status_label(NOT_COUNTED, lang),
        f"{status_label(SKIPPED, lang)} / {status_label(NOT_SUBMITTED, lang)}",
        _label("reason", lang),
        "",
    ]
    for col, text in enumerate(heads):
        ws.write_string(row, col, text, s.header)
    for identity in a.identities():
        row += 1
        counted = sum(n for st, _, n in identity.parts if st == COUNTED)
        not_counted = [p for p in identity.parts if p[0] == NOT_COUNTED]
        rest = [p for p in identity.parts if p[0] in (SKIPPED, NOT_SUBMITTED)]
        ws.write_string(row, 0, identity_label(identity, a.has_roster, lang), s.text)
        write_value(ws, row, 1, identity.total, s.integer)
        if identity.name == "counted":  # counted units = on the roster + not on it
            on, off = (n for *_, n in identity.parts)
            text = f"{_label('status_roster', lang)} {on} + {_label('status_off_roster', lang)} {off}"
            ws.write_string(row, 5, text, s.text)
        else:
            write_value(ws, row, 2, counted, s.integer)
            write_value(ws, row, 3, sum(n for *_, n in not_counted), s.integer)
            write_value(ws, row, 4, sum(n for *_, n in rest) if rest else None, s.integer)
            text = breakdown(not_counted + rest, lang)
            ws.write_string(row, 5, text, s.wrap if widen else s.text)
            if widen:
                ws.set_row(row, 15 * max(1, -(-text_width(text) // REASON_CHARS)))
        ws.write_string(row, 6, _label("identity_holds" if identity.holds else "identity_broken", lang), s.text)
    row += 1
    ws.write_string(row, 0, _label("see_submissions", lang), s.note)
    return row + 2


# --- 报送情况 ------------------------------------------------------------------------------------
# Every block has the same eight columns, so one set of widths fits them all: unit code, unit
# name, file, 填报日期 or 评估期间, modification time, status, reason, what to do (or related files).
WIDTHS = (11, 18, 58, 12, 16, 8, 22, 50)  # on screen; printed as PRINT_WIDTHS
WRAPPED = (False, True, True, False, False, False, True, True)  # the columns whose text wraps
PRINT_WIDTHS = within_min_scale(WIDTHS, WRAPPED)  # narrowed so one page wide prints at ≥ 7 pt


def write_submissions_sheet(wb: Any, s: Styles, c: Any, lang: i18n.Lang, title: str) -> Worksheet:
    """The 报送情况 sheet: every listing of the accounting, block by block."""
    a = c.accounting
    name = sheet_names(SHEET)[0 if lang == "zh" else 1]
    ws = wb.add_worksheet(sheet_title(name))
    print_setup(ws, f"{title} — {name}")
    for col, width in enumerate(PRINT_WIDTHS):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, _label("submissions_title", lang), s.title)
    row = 2
    L = lambda key: _label(key, lang)  # noqa: E731
    base = [_header("unit_code", lang), _header("unit_name", lang), L("file")]
    status, reason = L("status"), L("reason")

    def entry(f: FileEntry, fourth: Any = "", last: str = "") -> list[Any]:
        why = reason_label(f.reason, lang) if f.reason else ""
        return [f.code, f.name, f.file, fourth, _modified(f), status_label(f.status, lang), why, last]

    groups = a.duplicate_groups()
    if groups:
        rows = [entry(f, _fill_date(f), f.kept) for code in sorted(groups) for f in groups[code]]
        heads = [*base, L("fill_date"), L("modified"), status, reason, L("kept_file")]
        row = _block(ws, s, row, reason_label("duplicate", lang), heads, rows)

    others = a.of(NOT_COUNTED, "other_period")
    if others:
        rows = [entry(f, f.result.period if f.result else "", _what_to_do(f, lang)) for f in others]
        heads = [*base, L("period_found"), L("modified"), status, reason, L("what_to_do")]
        row = _block(ws, s, row, L("other_period_files"), heads, rows)

    rest = [f for f in a.not_counted if f.reason not in ("other_period", "duplicate", "superseded")]
    if rest:
        rows = [entry(f, _fill_date(f), _what_to_do(f, lang)) for f in rest]
        heads = [*base, L("fill_date"), L("modified"), status, reason, L("what_to_do")]
        row = _block(ws, s, row, L("files_not_counted"), heads, rows)

    heads = [*base, "", "", status, reason, ""]
    if a.off_roster:
        rows = [
            [
                u.code,
                u.name,
                "\n".join(f.file for f in u.files if f.status == COUNTED),
                "",
                "",
                status_label(COUNTED, lang),
                L("status_off_roster"),
                "",
            ]
            for u in a.off_roster
        ]
        row = _block(ws, s, row, L("off_roster_units"), heads, rows)

    units = a.roster_units if a.has_roster else a.units
    if units:
        rows = [
            [
                u.code,
                u.name,
                "\n".join(f.file for f in u.files),
                "",
                "",
                status_label(u.status, lang),
                reason_label(u.reason, lang) if u.reason else "",
                "",
            ]
            for u in units
        ]
        title_key = "units_title" if a.has_roster else "identity_units_no_roster"
        row = _block(ws, s, row, L(title_key), heads, rows)

    if a.skipped:
        rows = [entry(f) for f in a.skipped]
        row = _block(ws, s, row, L("files_skipped"), heads, rows)
    return ws


def _block(ws: Worksheet, s: Styles, row: int, title: str, heads: Sequence[str], rows: list[list[Any]]) -> int:
    """A titled block of rows (no filter: the sheet holds several); returns the next free row.
    Rows are as tall as their file lists and the last column's text need."""
    ws.write_string(row, 0, f"{title}（{len(rows)}）", s.label)
    row += 1
    for col, text in enumerate(heads):
        ws.write_string(row, col, text, s.header)
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            fmt = s.date if isinstance(value, dt.date) else (s.wrap if WRAPPED[col] else s.text)
            write_value(ws, row, col, value, fmt)
        ws.set_row(row, row_height(values, PRINT_WIDTHS, WRAPPED))  # as tall as its wrapped text
    return row + 2


def _header(key: str, lang: i18n.Lang) -> str:
    return next(spec for spec in columns("unit_info") if spec.key == key).header(lang)


def _fill_date(f: FileEntry) -> Any:
    from icx.core.dates import as_date

    text = f.result.fill_date if f.result is not None else ""
    return as_date(text) or text


def _modified(f: FileEntry) -> str:
    if f.result is None or not f.result.modified:
        return ""
    return dt.datetime.fromtimestamp(f.result.modified).strftime("%Y-%m-%d %H:%M")


BATCH_PROBLEMS = {
    "other_period": "consolidate_period_differs",
    "duplicate": "consolidate_duplicate_unit",
    "superseded": "consolidate_superseded",
    "no_code": "consolidate_unit_code_missing",
}


def _what_to_do(f: FileEntry, lang: i18n.Lang) -> str:
    """How to fix the problem that kept the file out (the fix of the problem behind its reason)."""
    from icx.consolidate.counting import EXCLUDING

    if f.result is None:
        return ""
    codes = {BATCH_PROBLEMS.get(f.reason, "")} | {code for code, (r, _) in EXCLUDING.items() if r == f.reason}
    found = next((p for p in f.result.problems if p.code in codes), None)
    found = found or next((p for p in f.result.problems if p.severity == "error"), None)
    if found is None:
        return ""
    return found.fix_zh if lang == "zh" else found.fix_en
