"""Small builders of the conflict checker's input tables (catalogue keys, numbered by sheet row),
and ``check_tables``: every check on such tables, as ``icx.io.duties`` runs them on a workbook."""

from __future__ import annotations

from typing import Any

from icx.core.conflicts import (
    ConflictInputs,
    ConflictReport,
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
from icx.core.methodology import Methodology
from icx.core.persons import read_roster
from icx.core.rows import Rows

FIRST_ROW = 4  # data rows start under a header on row 3, as in the template


def frame(rows: list[dict[str, Any]], keys: list[str] | None = None) -> Rows:
    keys = keys or list(dict.fromkeys(k for row in rows for k in row))
    return Rows.of(rows, keys, FIRST_ROW)


def posts(mapping: dict[str, list[str]]) -> Rows:
    return frame([{"post": p, "duty": d} for p, duties in mapping.items() for d in duties], ["post", "duty"])


def people(rows: list[tuple]) -> Rows:
    """(name, id, post[, from[, to[, acting]]]) tuples."""
    keys = ["person", "employee_id", "post", "date_from", "date_to", "acting"]
    return frame([dict(zip(keys, row)) for row in rows], keys)


def log(rows: list[tuple]) -> Rows:
    """(voucher, applicant, approver, payer, bookkeeper) tuples."""
    keys = ["voucher", "applicant", "approver", "payer", "bookkeeper", "amount", "date"]
    return frame([dict(zip(keys, row)) for row in rows], keys)


def controls(rows: list[tuple]) -> Rows:
    """(control id, prepare, review, approve) tuples, area budget."""
    keys = ["control_id", "prepare_post", "review_post", "approve_post", "area"]
    return frame([dict(zip(keys, (*row, "budget"))) for row in rows], keys)


def rules(rows: list[dict[str, Any]]) -> Rows:
    return frame(rows, ["rule_id", "area", "duty_a", "duty_b", "basis", "enabled"])


def check_tables(
    post_duties: Rows,
    person_posts: Rows,
    *,
    duty_rules: Rows | None = None,
    controls: Rows | None = None,
    transactions: Rows | None = None,
    library: RuleLibrary | None = None,
    methodology: Methodology | None = None,
) -> ConflictReport:
    """All checks from plain tables. Problems keep ``row``/``field`` only."""
    lib = library or default_library()
    problems: list[Problem] = []
    if duty_rules is not None:
        lib, found = apply_unit_rules(lib, duty_rules, methodology)
        problems += found
    post_table, found = read_post_duties(post_duties)
    problems += found + unknown_duties(post_duties, lib)
    roster, found = read_roster(person_posts)
    problems += found + unknown_posts(roster, post_table)
    txns = []
    if transactions is not None:
        txns, found = read_transactions(transactions)
        problems += found
    inputs = ConflictInputs(lib, post_table, roster, read_controls(controls) if controls is not None else [], txns)
    return ConflictReport(find_conflicts(inputs), problems, unknown_names(problems))


def check(post_map: dict[str, list[str]], people_rows: list[tuple], **kwargs: Any) -> ConflictReport:
    return check_tables(posts(post_map), people(people_rows), **kwargs)


def found(report: ConflictReport, kind: str | None = None) -> set[tuple[str, str]]:
    """(rule id, person) of every conflict (of one kind)."""
    return {(c.rule_id, c.person) for c in report.conflicts if kind is None or c.kind == kind}
