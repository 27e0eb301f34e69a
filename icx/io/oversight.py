"""Run the rotation, approval-limit and treatment checks on a unit workbook.

Reads what each check needs — the 岗位与授权 sheet (key posts, approval limits, special audits;
tables told apart by their headers), the 不相容岗位 tables and rule set (through
``icx.io.duties``), the 支出审批记录 log and the scored 风险清单 — and names every finding's cells
and every problem's cell. The as-of date is the caller's, else the workbook's 参数设置 检查基准日,
else today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from icx.core.authority import AuthorityReport, check_authority, read_authorities, read_payments
from icx.core.errors import Problem
from icx.core.findings import Finding, ordered
from icx.core.methodology import Methodology, default_methodology
from icx.core.rotation import (
    RotationReport,
    check_rotation,
    profile_posts,
    read_audits,
    read_post_settings,
    unprofiled_posts,
)
from icx.core.rows import Rows
from icx.core.treatment import TreatmentReport, check_treatment, read_plans
from icx.io.duties import ConflictCheck, check_conflicts
from icx.io.grid import Grid, WorkbookGrid
from icx.io.register import RegisterResult, find_register_sheet, read_register
from icx.io.settings_sheet import SettingsResult, read_settings_from
from icx.io.specs import sheet_names
from icx.io.table import Table, read_table

CHECKS = ("rotation", "authority", "treatment")


@dataclass
class OversightCheck:
    """The outcome of one check on one workbook."""

    check: str
    as_of: dt.date
    methodology: Methodology
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ran: bool = False  # False when the workbook held nothing to check
    rotation: RotationReport | None = None
    authority: AuthorityReport | None = None
    treatment: TreatmentReport | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass
class Context:
    """What the three checks share, read once per workbook."""

    book: WorkbookGrid
    file: str | None
    methodology: Methodology
    as_of: dt.date
    settings: SettingsResult | None = None
    conflicts: ConflictCheck | None = None
    register: RegisterResult | None = None

    def duties(self) -> ConflictCheck:
        if self.conflicts is None:
            self.conflicts = check_conflicts(self.book, file=self.file, methodology=self.methodology)
        return self.conflicts


def context(
    book: WorkbookGrid,
    *,
    file: str | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    settings: SettingsResult | None = None,
    conflicts: ConflictCheck | None = None,
    register: RegisterResult | None = None,
) -> Context:
    """The shared context: the workbook's own 参数设置 unless ``methodology`` is given; the as-of
    date given, else the workbook's 检查基准日, else today."""
    if settings is None:
        settings = read_settings_from(book, file=file)
    m = methodology or (settings.methodology if settings is not None else default_methodology())
    day = as_of or (settings.as_of if settings is not None else None) or dt.date.today()
    return Context(book, file, m, day, settings, conflicts, register)


def workbook_as_of(book: WorkbookGrid, file: str | None = None) -> dt.date | None:
    """The 检查基准日 on the workbook's 参数设置, if filled in."""
    settings = read_settings_from(book, file=file)
    return settings.as_of if settings is not None else None


# --- the 岗位与授权 sheet ------------------------------------------------------------------------
def posts_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("posts_authority"))


def _table(grid: Grid | None, name: str, file: str | None) -> Table | None:
    """One of the sheet's tables, found by its own headers (no other table shares them)."""
    if grid is None:
        return None
    table = read_table(grid, name, file=file)
    return table if table.header_row >= 0 else None


def _with_source(table: Table, key: str) -> Rows:
    from icx.io.grid import column_letter

    column = key if key in table.columns else next(iter(table.columns))
    letter = column_letter(table.columns[column])
    return table.rows.with_column("source", [f"{table.sheet}!{letter}{r}" for r in table.rows.sheet_rows])


def _located(table: Table, problems: list[Problem], file: str | None) -> list[Problem]:
    return [table.locate(p, file) for p in problems]


def _cells(table: Table, finding: Finding) -> Finding:
    """The finding with the cells of its row and fields (kept as they are when it spans rows)."""
    if finding.sources or finding.row is None:
        return finding
    cells = [f"{table.sheet}!{table.cell(int(finding.row), k)}" for k in finding.fields if k in table.columns]
    return finding.with_sources(cells or [f"{table.sheet}!{finding.row}"])


def _sheet_missing(key: str, file: str | None, severity: str = "error") -> Problem:
    zh, en = sheet_names(key)
    return Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=file, severity=severity)  # type: ignore[arg-type]


# --- rotation ----------------------------------------------------------------------------------
def run_rotation(ctx: Context) -> OversightCheck:
    out = OversightCheck("rotation", ctx.as_of, ctx.methodology)
    duties = ctx.duties()
    tables = duties.duty_tables.tables if duties.duty_tables is not None else {}
    duty_sheet = duties.duty_tables.sheet if duties.duty_tables is not None else None
    # what reading 不相容岗位 found wrong (the conflict check's own findings on other sheets aside)
    out.problems += [p for p in duties.problems if duty_sheet is None or p.sheet in (duty_sheet, None)]
    if "person_posts" not in tables:
        return out
    grid = posts_sheet(ctx.book)
    settings, audits = {}, []
    lines = _table(grid, "key_posts", ctx.file)
    if lines is not None:
        settings, found = read_post_settings(_with_source(lines, "post"))
        out.problems += _located(lines, found, ctx.file)
    audit_table = _table(grid, "special_audits", ctx.file)
    if audit_table is not None:
        audits, found = read_audits(_with_source(audit_table, "post"), ctx.as_of)
        out.problems += _located(audit_table, found, ctx.file)
    inputs = duties.inputs
    roster = inputs.roster
    profiles = profile_posts(
        inputs.post_duties,
        inputs.library,
        ctx.methodology.rotation,
        settings,
        {a.post: a.post_name for a in roster.assignments},
    )
    report = check_rotation(roster, profiles, audits, ctx.as_of)
    people = tables["person_posts"]
    # a post no table describes: the conflict check already says so row by row (conflicts_post_unknown)
    if not any(p.code == "conflicts_post_unknown" for p in out.problems):
        report.problems += unprofiled_posts(roster, profiles, ctx.as_of)
    out.problems += _located(people, report.problems, ctx.file)
    out.findings = report.findings
    out.rotation, out.ran = report, True
    return out


# --- approval limits ---------------------------------------------------------------------------
def run_authority(ctx: Context) -> OversightCheck:
    out = OversightCheck("authority", ctx.as_of, ctx.methodology)
    log = ctx.book.sheet(*sheet_names("transaction_log"))
    limits = _table(posts_sheet(ctx.book), "authority", ctx.file)
    if log is None:
        return out
    log_table = read_table(log, "transaction_log", file=ctx.file)
    if log_table.header_row < 0 or not len(log_table.rows):
        return out  # an empty log: nothing was approved
    if limits is None or not len(limits.rows):
        out.problems.append(Problem.of("authority_table_missing", file=ctx.file, severity="warning"))
        return out
    table, found = read_authorities(limits.rows, ctx.methodology)
    out.problems += _located(limits, found, ctx.file)
    payments, found = read_payments(_with_source(log_table, "voucher"), ctx.methodology)
    out.problems += _located(log_table, found, ctx.file)
    duties = ctx.duties()
    report = check_authority(payments, table, duties.inputs.roster, ctx.methodology.authority)
    out.problems += _located(log_table, report.problems, ctx.file)
    out.findings = [_cells(log_table, f) for f in report.findings]
    out.authority, out.ran = report, True
    return out


# --- treatment ---------------------------------------------------------------------------------
def run_treatment(ctx: Context) -> OversightCheck:
    out = OversightCheck("treatment", ctx.as_of, ctx.methodology)
    register = ctx.register
    if register is None:
        grid = find_register_sheet(ctx.book)
        if grid is None:
            out.problems.append(_sheet_missing("register", ctx.file))
            return out
        register = ctx.register = read_register(grid, ctx.methodology, file=ctx.file)
    table = register.table
    if table.header_row < 0 or not register.scored:
        return out
    levels = {
        r: (level, score)
        for r, level, score in zip(table.rows.sheet_rows, register.scored["level"], register.scored["score"])
    }
    rows = table.rows.with_column("area_code", register.scored["area_code"])
    plans, found = read_plans(rows, levels, ctx.methodology)
    out.problems += _located(table, found, ctx.file)
    report = check_treatment(plans, ctx.as_of, ctx.methodology)
    out.problems += _located(table, report.problems, ctx.file)
    out.findings = [_cells(table, f) for f in report.findings]
    out.treatment, out.ran = report, True
    return out


RUNNERS = {"rotation": run_rotation, "authority": run_authority, "treatment": run_treatment}


def run_checks(ctx: Context, checks: tuple[str, ...] = CHECKS) -> dict[str, OversightCheck]:
    return {name: RUNNERS[name](ctx) for name in checks}


def all_findings(results: dict[str, OversightCheck]) -> list[Finding]:
    return ordered(f for r in results.values() for f in r.findings)


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """Problems reported once (two checks reading one table report its bad cells once)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.code, p.where, p.message_en)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
