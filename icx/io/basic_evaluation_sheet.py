"""The 基础性评价 sheet of a unit workbook: read the answers, gather what icx can derive them from,
score them (``icx.core.basic_evaluation``), and write icx's derived answers back into a copy.

Facts come from the readers that own each sheet — the scored register (``register``), the
control matrices (``unit_workbook``), the duty tables and conflict check (``duties``), the
self-evaluation (``evaluation_sheet``) — so nothing is read twice by a different rule. A caller
that has those results already (consolidation) passes them to ``facts_from``; ``evaluate_book``
reads them itself (the CLI, the ribbon). Every problem names the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from icx.core.basic_evaluation.derive import (
    AreaControls,
    ConflictFacts,
    Derived,
    DutyFacts,
    EvaluationFact,
    RegisterFacts,
    WorkbookFacts,
    derive,
)
from icx.core.basic_evaluation.scoring import Response, Scorecard, score
from icx.core.basic_evaluation.system import IndicatorSystem, default_system
from icx.core.conflicts import KINDS
from icx.core.errors import Problem
from icx.core.methodology import Methodology, default_methodology
from icx.core.parsing import is_blank
from icx.io.duties import ConflictCheck, check_conflicts
from icx.io.evaluation_sheet import EvaluationSheet, read_evaluation
from icx.io.grid import Grid, WorkbookGrid
from icx.io.register import RegisterResult
from icx.io.specs import sheet_names
from icx.io.table import Table, read_table, text_of
from icx.io.unit_workbook import UnitWorkbook, control_matrix_sheets, read_unit_workbook

CRITERION_ID = re.compile(r"^\d+\.\d+\.\d+$")
READ_KEYS = ("answer", "override_reason", "document", "date", "note")


def find_basic_evaluation_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("basic_evaluation"))


@dataclass
class SheetAnswers:
    """What the sheet holds: the unit's responses and icx's stored derived answers, by criterion."""

    sheet: str
    responses: dict[str, Response]
    stored_derived: dict[str, Any]  # what the icx-derived column holds now
    rows: dict[str, int]  # criterion id → sheet row
    table: Table | None
    problems: list[Problem] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if is_blank(value) else text_of(value)


def read_answers(grid: Grid, system: IndicatorSystem, file: str | None = None) -> SheetAnswers:
    """The rows of the criteria table (it ends at the first blank row under it)."""
    table = read_table(grid, "basic_evaluation", file=file)
    rows = table.rows
    # The criteria end at the first blank row; a row the table reader skipped (合计, 备注 … among
    # the criteria) is no gap. Under the criteria sit the sheet's own totals (合计): the reader's
    # note that it skipped them is about no entry of the unit's, so it is not passed on.
    filled = set(rows.sheet_rows) | {p.row for p in table.problems if p.code == "row_skipped"}
    blank = rows.sheet_rows[0] if rows.sheet_rows else 0
    while blank in filled:
        blank += 1
    problems = [p for p in table.problems if not (p.code == "row_skipped" and p.row > blank)]
    out = SheetAnswers(grid.name, {}, {}, {}, table, problems)
    if table.header_row < 0:
        problems.append(Problem.of("basic_evaluation_header_missing", file=file, sheet=grid.name))
        return out
    column = {key: rows.column(key) for key in ("id", "points", "derived", *READ_KEYS)}  # one pass per column
    has = table.columns.keys()
    for i, r in enumerate(rows.sheet_rows):
        if r > blank:
            break  # the per-indicator table and the rules sit under the criteria after a blank row
        cid = _text(column["id"][i])
        if not CRITERION_ID.match(cid) or cid not in system.by_id:
            problems.append(
                Problem.of(
                    "basic_evaluation_criterion_unknown",
                    given=cid,
                    severity="warning",
                    file=file,
                    sheet=grid.name,
                    cell=table.cell(r, "id"),
                )
            )
            continue
        if cid in out.rows:
            problems.append(
                Problem.of(
                    "basic_evaluation_criterion_repeated",
                    given=cid,
                    params={"first": out.rows[cid]},
                    severity="warning",
                    file=file,
                    sheet=grid.name,
                    cell=table.cell(r, "id"),
                )
            )
            continue
        out.rows[cid] = r
        criterion = system.by_id[cid]
        points = column["points"][i]
        if "points" in has and not is_blank(points) and points != criterion.points:
            problems.append(
                Problem.of(
                    "basic_evaluation_points_differ",
                    params={"id": cid, "points": f"{criterion.points:g}"},
                    given=points,
                    severity="warning",
                    file=file,
                    sheet=grid.name,
                    cell=table.cell(r, "points"),
                )
            )
        out.responses[cid] = Response(
            answer=column["answer"][i],
            reason=_text(column["override_reason"][i]),
            document=_text(column["document"][i]),
            date=column["date"][i],
            note=_text(column["note"][i]),
            cell=table.cell(r, "answer") if "answer" in has else None,
            sheet=grid.name,
        )
        out.stored_derived[cid] = column["derived"][i]
    for c in system.criteria:
        if c.id not in out.rows:
            problems.append(
                Problem.of("basic_evaluation_criterion_missing", params={"id": c.id}, file=file, sheet=grid.name)
            )
    return out


# --- facts ----------------------------------------------------------------------------------------
def facts_from(
    *,
    methodology: Methodology,
    register: RegisterResult | None,
    workbook: UnitWorkbook | None,
    book: WorkbookGrid,
    conflicts: ConflictCheck | None,
    evaluation: EvaluationSheet | None,
    file: str | None = None,
) -> WorkbookFacts:
    """What the derivations read, from results the readers already produced."""
    facts = WorkbookFacts(
        area_names={a.code: (a.short_zh or a.name_zh, a.name_en) for a in methodology.areas},
    )
    if register is not None and register.table.header_row >= 0:
        areas: dict[str, int] = {}
        for cells in register.scored_rows():
            code = cells.get("area_code") or ""
            areas[code] = areas.get(code, 0) + 1
        rows = register.table.rows.sheet_rows
        ref = register.table.sheet
        if rows and "area" in register.table.columns:
            ref = f"{ref}!{register.table.cell(rows[0], 'area')}:{register.table.cell(rows[-1], 'area')}"
        facts.register = RegisterFacts(register.table.sheet, sum(areas.values()), areas, ref)
    if workbook is not None:
        facts.controls = _controls(book, workbook, methodology, file)
    if conflicts is not None:
        facts.duties, facts.conflicts = _duties(conflicts)
    if evaluation is not None and evaluation.result is not None and evaluation.table is not None:
        table = evaluation.table
        facts.evaluation = {}
        for row in evaluation.result.item_rows:
            if not row["evaluated"] or not row["item_id"]:
                continue
            cell = table.cell(row["row"], "result") if "result" in table.columns else str(row["row"])
            facts.evaluation.setdefault(row["item_id"].upper(), EvaluationFact(row["result"], f"{table.sheet}!{cell}"))
    return facts


def _controls(
    book: WorkbookGrid, workbook: UnitWorkbook, m: Methodology, file: str | None
) -> dict[str, AreaControls] | None:
    grids = control_matrix_sheets(book, m)
    if not grids:
        return None
    out: dict[str, AreaControls] = {}
    by_sheet: dict[str, list[dict[str, Any]]] = {}
    for record in workbook.control_records:
        by_sheet.setdefault(record["sheet"], []).append(record)
    for grid, area in grids:
        if not area:
            continue
        table = read_table(grid, "control_matrix", file=file)  # the sheet keeps its tables: no second read
        records = by_sheet.get(grid.name, [])
        with_rule = [r for r in records if r.get("rule")]
        missing = tuple(
            f"{r.get('control_id') or r['row']}（{table.cell(r['row'], 'control_id')}）"
            if "control_id" in table.columns
            else str(r.get("control_id") or r["row"])
            for r in records
            if not r.get("rule")
        )
        ref = grid.name
        if records and "rule" in table.columns:
            ref = f"{grid.name}!{table.cell(records[0]['row'], 'rule')}:{table.cell(records[-1]['row'], 'rule')}"
        previous = out.get(area)
        if previous is not None:  # two sheets of one area: add them up
            out[area] = AreaControls(
                previous.sheet,
                previous.rows + len(records),
                previous.with_rule + len(with_rule),
                previous.missing_rule + missing,
                f"{previous.rule_ref}；{ref}",
            )
        else:
            out[area] = AreaControls(grid.name, len(records), len(with_rule), missing, ref)
    return out


def _duties(check: ConflictCheck) -> tuple[DutyFacts | None, dict[str, ConflictFacts] | None]:
    if not check.ran:
        return None, None
    inputs = check.inputs
    duties = None
    if check.duty_tables is not None:
        tables = check.duty_tables.tables
        ref = check.duty_tables.sheet
        posts_table = tables.get("post_duties")
        if posts_table is not None and len(posts_table.rows) and "post" in posts_table.columns:
            index = posts_table.rows.sheet_rows
            ref = f"{ref}!{posts_table.cell(index[0], 'post')}:{posts_table.cell(index[-1], 'post')}"
        duties = DutyFacts(check.duty_tables.sheet, len(inputs.post_duties.duties), ref, len(inputs.library.active))
    checked = {
        "post": bool(inputs.post_duties.duties),
        "person": bool(inputs.roster.assignments),
        "control": bool(inputs.controls),
        "transaction": bool(inputs.transactions),
    }
    found = {}
    for kind in KINDS:
        mine = [c for c in check.conflicts if c.kind == kind]
        found[kind] = ConflictFacts(checked[kind], len(mine), tuple(s for c in mine for s in c.sources[:1]))
    return duties, found


# --- one workbook ---------------------------------------------------------------------------------
@dataclass
class BasicEvaluation:
    """One workbook's basic evaluation: the scorecard, the derived answers, what the sheet held."""

    scorecard: Scorecard | None  # None when the workbook has no 基础性评价 sheet
    derived: dict[str, Derived]
    answers: SheetAnswers | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def evaluate(
    book: WorkbookGrid,
    facts: WorkbookFacts,
    system: IndicatorSystem | None = None,
    file: str | None = None,
) -> BasicEvaluation:
    """Score the 基础性评价 sheet of ``book`` with the derived answers ``facts`` give."""
    system = system or default_system()
    derived = derive(system, facts)
    grid = find_basic_evaluation_sheet(book)
    if grid is None:
        missing = Problem.of("basic_evaluation_sheet_missing", file=file, severity="warning")  # an older template
        return BasicEvaluation(None, derived, None, [missing])
    answers = read_answers(grid, system, file)
    problems = list(answers.problems)
    if answers.table is None or answers.table.header_row < 0:
        return BasicEvaluation(None, derived, answers, problems)
    card = score(answers.responses, derived, system)
    problems += [p.located(file=file) for p in card.problems]
    problems += _stale(answers, derived, system, file)
    return BasicEvaluation(card, derived, answers, problems)


def _stale(answers: SheetAnswers, derived: Mapping[str, Derived], system: IndicatorSystem, file: str | None):
    """Stored derived answers that differ from a fresh derivation (a copy written later refreshes them)."""
    out = []
    table = answers.table
    for cid, stored in answers.stored_derived.items():
        if is_blank(stored) or table is None or "derived" not in table.columns:
            continue
        fresh = derived.get(cid)
        fresh_code = fresh.answer if fresh is not None else None
        if system.answers.code(_text(stored)) != fresh_code:
            out.append(
                Problem.of(
                    "basic_evaluation_derived_stale",
                    params={"id": cid, "derived": system.answers.label(fresh_code) if fresh_code else "—"},
                    given=stored,
                    severity="warning",
                    file=file,
                    sheet=answers.sheet,
                    cell=table.cell(answers.rows[cid], "derived"),
                )
            )
    return out


def evaluate_book(
    book: WorkbookGrid,
    *,
    as_of: dt.date,
    file: str | None = None,
    methodology: Methodology | None = None,
    system: IndicatorSystem | None = None,
) -> BasicEvaluation:
    """Read everything the derivations need from ``book`` and score its 基础性评价 sheet."""
    workbook = read_unit_workbook(book, methodology)
    m = workbook.methodology or methodology or default_methodology()
    conflicts = check_conflicts(book, file=file, methodology=m)
    evaluation = read_evaluation(book, as_of=as_of, file=file, methodology=m, settings=workbook.settings)
    facts = facts_from(
        methodology=m,
        register=workbook.register,
        workbook=workbook,
        book=book,
        conflicts=conflicts,
        evaluation=evaluation,
        file=file,
    )
    return evaluate(book, facts, system, file)


# --- writing icx's derived answers into an openpyxl workbook ----------------------------------------
@dataclass(frozen=True)
class DerivedColumns:
    """icx's derived answers as the sheet shows them: sheet, 0-based columns, row → value."""

    sheet: str
    answer_col: int
    evidence_col: int
    answers: dict[int, str | None]
    evidence: dict[int, str]


def derived_columns(found: BasicEvaluation, lang: str, system: IndicatorSystem | None = None) -> DerivedColumns | None:
    """What ``write_derived`` writes, for a writer that works column by column (the ribbon's port)."""
    system = system or default_system()
    answers = found.answers
    if answers is None or answers.table is None or not {"derived", "derived_evidence"} <= answers.table.columns.keys():
        return None
    labels: dict[int, str | None] = {}
    evidence: dict[int, str] = {}
    for cid, row in answers.rows.items():
        d = found.derived.get(cid)
        if d is not None:
            labels[row] = system.answers.label(d.answer, lang) if d.answer else None
            evidence[row] = d.evidence(lang)  # type: ignore[arg-type]
    table = answers.table
    return DerivedColumns(answers.sheet, table.columns["derived"], table.columns["derived_evidence"], labels, evidence)


def write_derived(
    wb: Any, derived: Mapping[str, Derived], system: IndicatorSystem | None = None, lang: str | None = None
) -> int:
    """Fill the icx-derived columns of the 基础性评价 sheet of an openpyxl workbook (rows found by
    their ids); returns the rows written. Unit cells are never touched; text goes in as text."""
    from icx.io.safety import put_value

    system = system or default_system()
    zh, en = sheet_names("basic_evaluation")
    ws = wb[zh] if zh in wb.sheetnames else wb[en] if en in wb.sheetnames else None
    if ws is None:
        return 0
    lang = lang or ("zh" if ws.title == zh else "en")
    header, letters = _header(ws)
    if header is None or not {"id", "derived", "derived_evidence"} <= letters.keys():
        return 0
    written = 0
    for row in range(header + 1, ws.max_row + 1):
        cid = _text(ws[f"{letters['id']}{row}"].value)
        if not cid:
            break
        found = derived.get(cid)
        if found is None:
            continue
        answer = system.answers.label(found.answer, lang) if found.answer else None
        put_value(ws[f"{letters['derived']}{row}"], answer)
        evidence = found.evidence(lang)  # type: ignore[arg-type]
        put_value(ws[f"{letters['derived_evidence']}{row}"], evidence)
        _fit(ws, row, letters["derived_evidence"], evidence)
        written += 1
    return written


LINE_HEIGHT = 13.5  # points per line of wrapped text (as the template sets its rows)


def _fit(ws: Any, row: int, letter: str, text: str) -> None:
    """Grow the row so the evidence text shows whole (on screen and in a PDF)."""
    width = ws.column_dimensions[letter].width or 10
    lines = -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) // max(int(width) - 1, 1))
    height = ws.row_dimensions[row].height or LINE_HEIGHT
    ws.row_dimensions[row].height = max(height, LINE_HEIGHT * lines)


def _header(ws: Any) -> tuple[int | None, dict[str, str]]:
    from openpyxl.utils import get_column_letter

    from icx.io.specs import match_header

    for row in ws.iter_rows(min_row=1, max_row=12):
        letters = {}
        for cell in row:
            key = match_header(cell.value, "basic_evaluation") if isinstance(cell.value, str) else None
            if key and key not in letters:
                letters[key] = get_column_letter(cell.column)
        if "id" in letters and "answer" in letters:
            return row[0].row, letters
    return None, {}
