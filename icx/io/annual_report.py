"""Read unit workbooks for the annual internal-control report (``icx report annual``).

For each workbook: unit info with its cells, the basic evaluation (the answer each criterion was
scored with, and whether the unit or icx gave it), the scored register, the self-evaluation and
the incompatible-duty check per duty rule — everything ``icx.core.annual_report`` answers the
report's tables from. A file that cannot be read, or an icx output (a summary, a checked
copy…), is reported and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from icx.consolidate.inputs import expand_inputs
from icx.core.annual_report import AnswerFact, Figure, PairFacts, ReportInputs, ReportSpec, default_spec, unit_figures
from icx.core.basic_evaluation.system import IndicatorSystem, default_system
from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology
from icx.io.basic_evaluation_sheet import BasicEvaluation, evaluate, facts_from
from icx.io.duties import ConflictCheck, check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import WorkbookGrid, cell_ref, load_grid
from icx.io.outputs import output_kind
from icx.io.specs import match_header, sheet_names
from icx.io.unit_workbook import read_unit_workbook


@dataclass
class UnitReport:
    file: str
    unit_code: str = ""
    unit_name: str = ""
    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    score: float | None = None  # the basic evaluation's total and converted score, for the notes
    converted: float | None = None

    @property
    def readable(self) -> bool:
        return bool(self.figures)

    @property
    def label(self) -> str:
        return f"{self.unit_code} {self.unit_name}".strip() or Path(self.file).name


def unit_cells(book: WorkbookGrid) -> dict[str, tuple[str, str]]:
    """单位信息 label/value pairs with the value's cell: key → (value, 'sheet!cell')."""
    grid = book.sheet(*sheet_names("unit_info"), "unit info", "unit")
    out: dict[str, tuple[str, str]] = {}
    if grid is None:
        return out
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row[:-1] if row else []):
            key = match_header(value, "unit_info") if isinstance(value, str) else None
            if key and key not in out:
                text = row[c + 1]
                out[key] = ("" if text is None else str(text).strip(), f"{grid.name}!{cell_ref(r, c + 1)}")
                break
    return out


def _answers(found: BasicEvaluation) -> dict[str, AnswerFact]:
    out: dict[str, AnswerFact] = {}
    if found.scorecard is None or found.answers is None or found.answers.table is None:
        return out
    table, sheet = found.answers.table, found.answers.sheet
    for c in found.scorecard.criteria:
        row = found.answers.rows.get(c.id)
        if row is None:
            continue
        code = c.outcome if c.outcome in ("yes", "no", "na") else None
        key = "derived" if c.source == "derived" else "answer"
        cell = f"{sheet}!{table.cell(row, key)}" if key in table.columns else sheet
        out[c.id] = AnswerFact(code, cell, c.source)
    return out


def _pairs(check: ConflictCheck, rules: Iterable[str]) -> dict[str, PairFacts]:
    inputs = check.inputs
    library = inputs.library
    active = library.active_by_id
    posts = inputs.post_duties
    carrying: dict[str, set[str]] = {post: set(posts.canonical(post, library)) for post in posts.duties}
    out = {}
    for rule_id in rules:
        rule = active.get(rule_id)
        if rule is None:
            out[rule_id] = PairFacts(False, 0, (), (), (), False)
            continue
        found = [c for c in check.conflicts if c.rule_id == rule_id]

        def cells(duty: str) -> tuple[str, ...]:
            return tuple(
                s for post, duties in carrying.items() if duty in duties for s in posts.sources.get(post, [post])
            )

        out[rule_id] = PairFacts(
            True,
            len(found),
            tuple(s for c in found for s in c.sources[:1]),
            cells(rule.duty_a),
            cells(rule.duty_b),
            bool(inputs.roster.assignments),
        )
    return out


def read_unit_report(
    book: WorkbookGrid,
    *,
    as_of: dt.date,
    file: str,
    spec: ReportSpec | None = None,
    system: IndicatorSystem | None = None,
    methodology: Methodology | None = None,
) -> UnitReport:
    """The report's figures for one loaded workbook."""
    spec = spec or default_spec()
    system = system or default_system()
    workbook = read_unit_workbook(book, methodology)
    m = workbook.methodology
    check = check_conflicts(book, file=file, methodology=m)
    evaluation = read_evaluation(book, as_of=as_of, file=file, methodology=m, settings=workbook.settings)
    facts = facts_from(
        methodology=m,
        register=workbook.register,
        workbook=workbook,
        book=book,
        conflicts=check,
        evaluation=evaluation,
        file=file,
    )
    found = evaluate(book, facts, system, file)
    inputs = ReportInputs(
        unit=unit_cells(book),
        answers=_answers(found),
        register=facts.register,
        pairs=_pairs(check, {r for area in spec.area for pair in area.pairs for r in pair.rules}),
        controls=facts.controls,
        area_names=facts.area_names,
    )
    if evaluation.result is not None and evaluation.table is not None:
        done = [row for row in evaluation.result.item_rows if row["evaluated"]]
        table = evaluation.table
        if done and "result" in table.columns:
            ref = f"{table.sheet}!{table.cell(done[0]['row'], 'result')}:{table.cell(done[-1]['row'], 'result')}"
        else:
            ref = table.sheet
        inputs.evaluated = (len(done), ref)
    report = UnitReport(file, workbook.unit_code, workbook.unit_name, unit_figures(spec, inputs))
    report.problems = [p for p in workbook.problems + found.problems if p.severity == "error"]
    if found.scorecard is not None:
        report.score, report.converted = found.scorecard.score, found.scorecard.converted
    return report


def read_reports(
    items: Sequence[str | Path],
    *,
    as_of: dt.date,
    spec: ReportSpec | None = None,
    system: IndicatorSystem | None = None,
    exclude: Sequence[Path] = (),
) -> tuple[list[UnitReport], list[Problem]]:
    """Every unit workbook under ``items``: their reports (by unit code, then file) and the
    problems of the batch (inputs matching nothing, files skipped or unreadable)."""
    paths, problems = expand_inputs(items)
    skip = {p.resolve() for p in exclude}
    reports = []
    for path in paths:
        if path.resolve() in skip:
            continue
        kind = output_kind(path)
        if kind is not None:
            problems.append(
                Problem.of("annual_output_skipped", params={"kind": kind}, severity="warning", file=str(path))
            )
            continue
        try:
            book = load_grid(path)
        except IcxError as exc:
            problems.extend(exc.problems)
            continue
        try:
            report = read_unit_report(book, as_of=as_of, file=str(path), spec=spec, system=system)
        except Exception as exc:  # noqa: BLE001 — a reader bug must not stop the batch
            detail = f"{type(exc).__name__}: {exc}"
            problems.append(Problem.of("consolidate_internal_error", params={"detail": detail}, file=str(path)))
            continue
        if not report.unit_code:
            problems.append(Problem.of("annual_unit_code_missing", file=str(path), severity="warning"))
        reports.append(report)
    reports.sort(key=lambda r: (not r.unit_code, r.unit_code, r.file))
    return reports, problems
