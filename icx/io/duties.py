"""Read what the incompatible-duty checks need from a unit workbook, and run them.

- 不相容岗位 sheet: THREE tables side by side on one header row, normally separated by an empty
  column — the unit's own duty rules (``duty_rules``: extra rules, or a default's rule id with
  是否启用 = 否 to switch it off), post → duty (``post_duties``) and person → post
  (``person_posts``). Each table's block of header cells is found on the header row and read with
  ``read_table(..., window=...)``; a missing separator column is tolerated.
- 风险控制矩阵-<area> sheets (English "Control matrix-<area>"): the prepare / review / approve
  post columns of every control; the area comes from the sheet name.
- 支出审批记录 (optional): the transaction log.

Every problem names its sheet and, where a cell is to blame, the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from icx import i18n
from icx.core.conflicts import (
    ConflictInputs,
    ConflictReport,
    PostDuties,
    RuleLibrary,
    apply_unit_rules,
    default_library,
    find_conflicts,
    read_controls,
    read_post_duties,
    read_transactions,
    unknown_duties,
    unknown_names,
    unknown_posts,
)
from icx.core.errors import Problem
from icx.core.memo import Memo
from icx.core.methodology import Methodology, default_methodology
from icx.core.persons import Roster, read_roster
from icx.core.rows import Rows
from icx.io.grid import Grid, WorkbookGrid, column_letter
from icx.io.settings_sheet import read_settings_from
from icx.io.specs import KNOWN_TEXTS, columns, match_header, sheet_names
from icx.io.table import HEADER_SEARCH_ROWS, Table, read_table

DUTY_TABLES = ("duty_rules", "post_duties", "person_posts")
REQUIRED_TABLES = ("post_duties", "person_posts")
SOURCE_KEY = {
    "duty_rules": "rule_id",
    "post_duties": "post",
    "person_posts": "person",
    "control_matrix": "control_id",
    "transaction_log": "voucher",
}
AREA_SEPARATORS = re.compile(r"^[\s\-－—–_·:：()（）]+|[\s()（）]+$")


@dataclass
class DutyTables:
    """The tables found on a 不相容岗位 sheet (absent ones are missing from ``tables``)."""

    sheet: str
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_duties_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("duties"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_row(grid: Grid) -> int | None:
    """The row (0-based) holding the most header cells of the three tables."""
    best, best_count = None, 0
    for r in range(min(HEADER_SEARCH_ROWS, grid.height)):
        count = 0
        for v in grid.rows[r]:
            if v.__class__ is str and v:
                count += _IS_DUTY_HEADER[v]
        if count > best_count:
            best, best_count = r, count
    return best if best_count >= 2 else None


# Cell text → whether it heads a column of one of the three tables: the first rows of every
# unit's sheet hold the same texts.
_IS_DUTY_HEADER = Memo(lambda text: any(match_header(text, t) for t in DUTY_TABLES), KNOWN_TEXTS)


def table_windows(grid: Grid) -> tuple[int | None, dict[str, tuple[int, int]]]:
    """The header row and each table's (first, last) column on a 不相容岗位 sheet.

    Walks the header row left to right. An empty cell ends a block; a header that belongs to the
    current table (and is not yet in it) extends it; any other known header starts the next
    table — preferring, for a header two tables share (岗位), the first table not yet found. An
    unknown header (a unit's 备注 column) stays with the table it follows.
    """
    header = _header_row(grid)
    if header is None:
        return None, {}
    windows: dict[str, tuple[int, int]] = {}
    current: str | None = None
    keys: set[str] = set()
    first = last = 0

    def close() -> None:
        if current is not None and current not in windows:
            windows[current] = (first, last)

    for c, value in enumerate(grid.rows[header]):
        if _blank(value):
            close()
            current = None
            continue
        matches = {t: k for t in DUTY_TABLES if (k := match_header(value, t))}
        if current is not None and (current in matches and matches[current] not in keys or not matches):
            if current in matches:
                keys.add(matches[current])
            last = c
            continue
        if not matches:
            continue  # an unknown header outside any table
        close()
        candidates = [t for t in DUTY_TABLES if t in matches and t not in windows]
        current = candidates[0] if candidates else None
        if current is not None:
            keys, first, last = {matches[current]}, c, c
    close()
    return header, windows


def read_duty_tables(grid: Grid, file: str | None = None) -> DutyTables:
    """The three tables of a 不相容岗位 sheet; a missing post→duty or person→post table is an error
    (the unit's own rules are optional)."""
    out = DutyTables(grid.name)
    header, windows = table_windows(grid)
    for table in DUTY_TABLES:
        window = windows.get(table)
        if window is None:
            if table in REQUIRED_TABLES:
                out.problems.append(_table_missing(grid, table, file))
            continue
        found = read_table(grid, table, file=file, window=window)
        out.problems += found.problems
        if found.header_row >= 0:
            out.tables[table] = found
    return out


def _table_missing(grid: Grid, table: str, file: str | None) -> Problem:
    needed = "、".join(s.zh for s in columns(table) if s.required)
    return Problem.of(
        "check_table_missing",
        params={"sheet": grid.name, "table": i18n.label(f"conflicts_table_{table}"), "needed": needed},
        file=file,
        sheet=grid.name,
    )


def _with_source(table: Table, key: str) -> Rows:
    """The table's rows with a 'source' column naming each row's cell ('不相容岗位!J7')."""
    column = key if key in table.columns else next(iter(table.columns))
    letter = column_letter(table.columns[column])
    return table.rows.with_column("source", [f"{table.sheet}!{letter}{r}" for r in table.rows.sheet_rows])


def _located(table: Table, problems: list[Problem], file: str | None) -> list[Problem]:
    return [table.locate(p, file) for p in problems]


def control_matrix_sheets(book: WorkbookGrid) -> list[Grid]:
    return book.sheets_starting(*sheet_names("control_matrix"))


def matrix_area(sheet_name: str, methodology: Methodology) -> str:
    """The area code a control-matrix sheet's name ends with ('风险控制矩阵-预算' → 'budget')."""
    for prefix in sheet_names("control_matrix"):
        if sheet_name.lower().startswith(prefix.lower()):
            rest = AREA_SEPARATORS.sub("", sheet_name[len(prefix) :])
            area = methodology.area(rest) if rest else None
            return area.code if area else ""
    return ""


def read_control_matrices(
    book: WorkbookGrid, file: str | None = None, methodology: Methodology | None = None
) -> tuple[Rows, list[Problem]]:
    """Every control of every control-matrix sheet that names at least one post, with 'area' and
    'source'. Sheets without the post columns are skipped quietly (nothing to check there)."""
    m = methodology or default_methodology()
    parts, problems = [], []
    for grid in control_matrix_sheets(book):
        table = read_table(grid, "control_matrix", file=file)
        if table.header_row < 0:
            problems += table.problems
            continue
        if not {"prepare_post", "review_post", "approve_post"} & table.columns.keys():
            continue
        rows = _with_source(table, "control_id")
        parts.append(rows.with_column("area", [matrix_area(grid.name, m)] * len(rows)))
    rows = Rows.concat(parts, ["control_id", "prepare_post", "review_post", "approve_post", "area", "source"])
    # Rows from several sheets: numbered by position, so that no two share a number; 'source'
    # names each one's cell.
    rows.sheet_rows = list(range(len(rows)))
    return rows, problems


@dataclass
class ConflictCheck:
    """The outcome of checking one workbook: the report, what was read, and where."""

    report: ConflictReport
    inputs: ConflictInputs
    duty_tables: DutyTables | None
    sheets_read: list[str] = field(default_factory=list)
    methodology: Methodology | None = None  # the one whose areas were used

    @property
    def conflicts(self) -> list:
        return self.report.conflicts

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    @property
    def ran(self) -> bool:
        """False when the workbook held nothing to check (no duties sheet, matrix posts or log)."""
        return bool(self.sheets_read)


def check_conflicts(
    book: WorkbookGrid,
    *,
    file: str | None = None,
    methodology: Methodology | None = None,
    library: RuleLibrary | None = None,
) -> ConflictCheck:
    """Read the duties sheet, control matrices and transaction log of ``book`` and run every check.

    Without ``methodology`` the workbook's own (参数设置: its area names) is used, else the default.
    """
    if methodology is None:
        settings = read_settings_from(book, file=file)
        methodology = settings.methodology if settings is not None else None
    m = methodology or default_methodology()
    lib = library or default_library()
    problems: list[Problem] = []
    sheets: list[str] = []
    posts, roster = PostDuties(), Roster()
    duty_tables = None
    grid = find_duties_sheet(book)
    if grid is None:
        zh, en = sheet_names("duties")
        problems.append(Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=file))
    else:
        sheets.append(grid.name)
        duty_tables = read_duty_tables(grid, file)
        problems += duty_tables.problems
        tables = duty_tables.tables
        if "duty_rules" in tables:
            lib, found = apply_unit_rules(lib, _with_source(tables["duty_rules"], "rule_id"), m)
            problems += _located(tables["duty_rules"], found, file)
        if "post_duties" in tables:
            rows = _with_source(tables["post_duties"], "post")
            posts, found = read_post_duties(rows)
            problems += _located(tables["post_duties"], found + unknown_duties(rows, lib), file)
        if "person_posts" in tables:
            roster, found = read_roster(_with_source(tables["person_posts"], "person"))
            problems += _located(tables["person_posts"], found, file)
            if "post_duties" in tables:
                problems += _located(tables["person_posts"], unknown_posts(roster, posts), file)
    controls_frame, found = read_control_matrices(book, file, m)
    problems += found
    controls = read_controls(controls_frame)
    if controls:
        sheets += sorted({c.source.split("!")[0] for c in controls if c.source})
    transactions = []
    log = book.sheet(*sheet_names("transaction_log"))
    if log is not None:
        table = read_table(log, "transaction_log", file=file)
        problems += table.problems
        if table.header_row >= 0:
            sheets.append(log.name)
            transactions, found = read_transactions(_with_source(table, "voucher"))
            problems += _located(table, found, file)
    inputs = ConflictInputs(lib, posts, roster, controls, transactions)
    report = ConflictReport(find_conflicts(inputs) if sheets else [], problems, unknown_names(problems))
    return ConflictCheck(report, inputs, duty_tables, sheets, m)
