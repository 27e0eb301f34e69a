"""Per-unit feedback workbooks: each unit's own risks, conflicts, self-evaluation (with its
deficiencies), score differences and file problems, and its position against all units.

One file per unit in the feedback folder, named ``<unit code>-<unit name>-反馈.xlsx`` (the name
cleaned for every file system), ready for ``icx email`` to send back. The conflict and
evaluation sheets are the checkers' own result sheets (``icx.io.findings_sheets``), so a unit
sees the same layout as ``icx check`` gives it. Files that could not be read carry no unit code
and get no feedback file; the summary's 问题清单 lists them.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.consolidate import oversight
from icx.consolidate.model import Consolidation, RankedRisk, positions
from icx.consolidate.records import UnitResult
from icx.consolidate.run import stop_workers, worker_init
from icx.consolidate.summary import figure_label, header, label
from icx.core.codes import code_key
from icx.core.conflicts import ConflictReport
from icx.core.errors import IcxError, Problem
from icx.io.findings_sheets import write_conflicts_sheet, write_evaluation_sheet
from icx.io.oversight_sheets import write_findings_table
from icx.io.print_layout import print_ready_openpyxl
from icx.io.safety import put_value, writable_text
from icx.io.save import save_workbook
from icx.io.scored_copy import HEADER_FILL, HEADER_FONT, print_table, wrap_rows, write_problems, write_rows
from icx.io.specs import sheet_names

FEEDBACK_SUFFIX = "反馈"
MAX_NAME_BYTES = 90  # per part (code, name): the whole file name stays far below 255 bytes
PARALLEL_FROM = 40  # fewer units than this are written in-process (a pool costs more than it saves)
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str) -> str:
    """A file-name part that Windows, macOS and Linux all accept (Chinese kept): no control or
    format characters (a right-to-left override would disguise the name), at most
    ``MAX_NAME_BYTES`` bytes of UTF-8, cut between characters."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) not in ("Cc", "Cf"))
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)
    cleaned = cleaned.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    if cleaned.upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned or "_"


def feedback_name(unit: UnitResult) -> str:
    parts = [safe_name(unit.unit_code)]
    if unit.unit_name:
        parts.append(safe_name(unit.unit_name))
    return "-".join(parts + [FEEDBACK_SUFFIX]) + ".xlsx"


def feedback_paths(c: Consolidation, folder: str | Path) -> list[tuple[UnitResult, Path]]:
    """Where each unit's feedback goes; a second file with the same name gets '-2', '-3'…"""
    folder = Path(folder)
    taken: dict[str, int] = {}
    out = []
    for unit in c.units:
        if not (unit.readable and unit.unit_code):
            continue
        name = feedback_name(unit)
        taken[name] = taken.get(name, 0) + 1
        if taken[name] > 1:
            name = name.removesuffix(".xlsx") + f"-{taken[name]}.xlsx"
        out.append((unit, folder / name))
    return out


# Set in the parent before forking, so workers find the consolidation without pickling it.
_SHARED: tuple[Consolidation, i18n.Lang] | None = None


def _write_index(index: int, target: str) -> str | Problem:
    assert _SHARED is not None
    c, lang = _SHARED
    return _write_one(c, c.units[index], target, lang)


def _write_one(c: Consolidation, unit: UnitResult, target: str | Path, lang: i18n.Lang) -> str | Problem:
    """One unit's feedback, or the problem saying why it could not be written (the other units
    still get theirs). A disk that is full stops the run (``IcxError``, exit 2)."""
    try:
        return str(write_unit_feedback(c, unit, target, lang))
    except IcxError:
        raise
    except Exception as exc:  # noqa: BLE001 — one unit's data must not cost the others their feedback
        detail = f"{type(exc).__name__}: {exc}"
        return Problem.of("consolidate_feedback_failed", params={"detail": detail}, file=str(target))


def write_feedback(c: Consolidation, folder: str | Path, lang: i18n.Lang = "zh", *, jobs: int = 1) -> list[Path]:
    """One feedback workbook per readable unit with a code; returns the files written."""
    global _SHARED
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plan = feedback_paths(c, folder)
    if jobs <= 1 or len(plan) < PARALLEL_FROM or not sys.platform.startswith("linux"):
        return _collect(plan, [_write_one(c, unit, path, lang) for unit, path in plan])
    position = {unit.file: i for i, unit in enumerate(c.units)}  # one result per input file
    _SHARED = (c, lang)
    try:
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=worker_init
        )
        try:
            done = pool.map(_write_index, [position[u.file] for u, _ in plan], [str(p) for _, p in plan], chunksize=8)
            written = _collect(plan, list(done))
        except BaseException:
            stop_workers(pool)  # Ctrl-C, SIGTERM: no worker outlives the run
            raise
        pool.shutdown(wait=True)
        return written
    finally:
        _SHARED = None


def _collect(plan: list[tuple[UnitResult, Path]], done: list[str | Problem]) -> list[Path]:
    """The files written; a unit whose feedback failed gets the problem on its list."""
    written = []
    for (unit, _), outcome in zip(plan, done):
        if isinstance(outcome, Problem):
            unit.problems.append(outcome)
        else:
            written.append(Path(outcome))
    return written


def write_unit_feedback(c: Consolidation, unit: UnitResult, target: str | Path, lang: i18n.Lang = "zh") -> Path:
    """The feedback workbook of one unit, saved atomically to ``target``."""
    m = c.methodology
    wb = openpyxl.Workbook()
    _position_sheet(wb.active, c, unit, lang)
    _risks_sheet(wb, [x for x in c.ranked if x.unit is unit], c, lang)
    write_conflicts_sheet(wb, ConflictReport(list(unit.conflicts), unknown_duties=unit.unknown_duties), lang, m)
    if unit.evaluation is not None:
        write_evaluation_sheet(wb, unit.evaluation, lang, m)
    _findings_sheet(wb, unit, lang)
    _oversight_sheet(wb, unit, lang)
    yoy = c.year_over_year
    if yoy is not None and any(code_key(u) == code_key(unit.unit_code) for u in yoy.units_compared):
        from icx.consolidate.yoy_sheet import write_unit_yoy_sheet

        write_unit_yoy_sheet(wb, yoy, unit.unit_code, lang, m)
    write_problems(wb, unit.problems, lang)
    title = f"{label('feedback_title', lang)} {c.period or ''} — {unit.unit_code} {unit.unit_name}".strip()
    for ws in wb.worksheets:
        _print_ready(ws, title, lang)
    wb.properties.title = writable_text(title)
    wb.properties.creator = "icx"
    return save_workbook(wb, target, output="feedback")


def _position_sheet(ws: Worksheet, c: Consolidation, unit: UnitResult, lang: i18n.Lang) -> None:
    ws.title = sheet_names("overview")[0 if lang == "zh" else 1]
    title = f"{label('feedback_title', lang)} {c.period or ''}".strip()
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    facts = [
        (header("unit_info", "unit_code", lang), unit.unit_code),
        (header("unit_info", "unit_name", lang), unit.unit_name),
        (header("unit_info", "period", lang), c.period or unit.period),
        (label("as_of", lang), c.as_of),
        (label("file", lang), unit.file),
        (label("sha256", lang), unit.sha256),
    ]
    for r, (name, value) in enumerate(facts, start=2):
        ws.cell(row=r, column=1, value=name).font = Font(bold=True)
        put_value(ws.cell(row=r, column=2), value)
        if r == 5:
            ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
    top = len(facts) + 3
    ws.cell(row=top, column=1, value=label("position", lang)).font = Font(bold=True, size=12)
    heads = [label(k, lang) for k in ("figure", "this_unit", "all_units", "unit_average", "unit_position")]
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(row=top + 1, column=col, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    template = i18n.label("consolidate_position_of", lang)
    r = top + 1
    for r, p in enumerate(positions(c, unit), start=top + 2):
        rank = template.format(rank=p.rank, count=p.count) if p.rank is not None else ""
        for col, value in enumerate((figure_label(p.metric, lang), p.unit, p.total, p.average, rank), start=1):
            ws.cell(row=r, column=col, value=value)
    note = ws.cell(row=r + 2, column=1, value=label("position_note", lang))
    note.font = Font(italic=True, color="595959")
    for col, width in zip("ABCDE", (30, 40, 16, 14, 20)):
        ws.column_dimensions[col].width = width


def _risks_sheet(wb: openpyxl.Workbook, ranked: list[RankedRisk], c: Consolidation, lang: i18n.Lang) -> None:
    m = c.methodology
    ws = wb.create_sheet(sheet_names("feedback_risks")[0 if lang == "zh" else 1])
    h = lambda key: header("register", key, lang)  # noqa: E731
    heads = [
        label("unit_rank", lang),
        label("overall_rank", lang),
        h("id"),
        h("area"),
        h("process_step"),
        h("description"),
        h("likelihood"),
        h("impact"),
        h("score"),
        h("level"),
        h("residual_level"),
        h("response"),
        h("controls"),
        h("owner_department"),
        h("owner"),
    ]
    ordered = sorted(ranked, key=lambda x: (x.risk.unit_rank, x.rank))
    rows = [
        [
            x.risk.unit_rank,
            x.rank,
            x.risk.id,
            x.risk.area_zh if lang == "zh" else x.risk.area_en,
            x.risk.process_step,
            x.risk.description,
            round(x.risk.likelihood, 4),
            round(x.risk.impact, 4),
            round(x.risk.score, 4),
            m.level_name(x.risk.level, lang),
            m.level_name(x.risk.residual_level, lang) if x.risk.residual_level else "",
            x.risk.response,
            x.risk.controls,
            x.risk.owner_department,
            x.risk.owner,
        ]
        for x in ordered
    ]
    caps = [7, 7, 10, 11, 14, 44, 8, 8, 8, 8, 8, 10, 18, 12, 9]
    write_rows(ws, heads, rows, widths=caps)
    fills = {lv.level: PatternFill("solid", fgColor=lv.color) for lv in m.risk_levels}
    for r, x in enumerate(ordered, start=2):
        ws.cell(row=r, column=10).fill = fills[x.risk.level]
        if x.risk.residual_level:
            ws.cell(row=r, column=11).fill = fills[x.risk.residual_level]
    print_table(ws, caps, len(rows), ws.title, lang)


def _findings_sheet(wb: openpyxl.Workbook, unit: UnitResult, lang: i18n.Lang) -> None:
    if not unit.findings:
        return
    ws = wb.create_sheet(sheet_names("summary_findings")[0 if lang == "zh" else 1])
    heads = [label(k, lang) for k in ("sheet", "cell", "stored", "message_zh", "message_en")]
    rows = [
        [
            p.sheet or "",
            p.cell or "",
            p.given if isinstance(p.given, (int, float, str)) else str(p.given),
            p.message_zh,
            p.message_en,
        ]
        for p in unit.findings
    ]
    write_rows(ws, heads, rows, widths=[12, 8, 12, 50, 50])
    ws.insert_rows(1)
    wrap_rows(ws, 3, len(rows) + 2)  # no message cut (after the insert: row heights do not move with it)
    ws["A1"] = label("findings_note", lang)
    ws["A1"].font = Font(italic=True, color="595959")
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A1:D1")
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:E{len(rows) + 2}"
    if lang == "zh":  # printed: the Chinese message (the English one stays on screen, beside it)
        ws.print_area = f"A1:D{len(rows) + 2}"


def _oversight_sheet(wb: openpyxl.Workbook, unit: UnitResult, lang: i18n.Lang) -> None:
    """The unit's rotation, approval-limit, treatment and sign-off findings (as icx check shows them)."""
    if not unit.oversight_checked:
        return
    ws = wb.create_sheet(oversight.feedback_sheet_name(lang))
    last = write_findings_table(ws, unit.oversight_findings, 1, lang)
    caps = (6, 12, 12, 8, 12, 46, 34, 14, 13, 11, 7, 18)  # widths from content, these the most
    print_table(ws, caps, max(last - 1, 0), ws.title, lang)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:L{max(last, 1)}"


def _print_ready(ws: Worksheet, title: str, lang: i18n.Lang) -> None:
    """A4 landscape, one page wide, header row repeated, title, 第x页 共y页, CJK fonts."""
    print_ready_openpyxl(ws, title, lang)
