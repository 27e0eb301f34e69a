"""Small builders of the conflict checker's input frames (catalogue keys, indexed by sheet row)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from icx.core.conflicts import ConflictReport, check_frames

FIRST_ROW = 4  # data rows start under a header on row 3, as in the template


def frame(rows: list[dict[str, Any]], keys: list[str]) -> pd.DataFrame:
    data = [[row.get(k) for k in keys] for row in rows]
    return pd.DataFrame(
        data, columns=keys, index=pd.Index(range(FIRST_ROW, FIRST_ROW + len(rows)), name="row"), dtype=object
    )


def posts(mapping: dict[str, list[str]]) -> pd.DataFrame:
    return frame([{"post": p, "duty": d} for p, duties in mapping.items() for d in duties], ["post", "duty"])


def people(rows: list[tuple]) -> pd.DataFrame:
    """(name, id, post[, from[, to[, acting]]]) tuples."""
    keys = ["person", "employee_id", "post", "date_from", "date_to", "acting"]
    return frame([dict(zip(keys, row)) for row in rows], keys)


def log(rows: list[tuple]) -> pd.DataFrame:
    """(voucher, applicant, approver, payer, bookkeeper) tuples."""
    keys = ["voucher", "applicant", "approver", "payer", "bookkeeper", "amount", "date"]
    return frame([dict(zip(keys, row)) for row in rows], keys)


def controls(rows: list[tuple]) -> pd.DataFrame:
    """(control id, prepare, review, approve) tuples, area budget."""
    keys = ["control_id", "prepare_post", "review_post", "approve_post", "area"]
    return frame([dict(zip(keys, (*row, "budget"))) for row in rows], keys)


def rules(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return frame(rows, ["rule_id", "area", "duty_a", "duty_b", "basis", "enabled"])


def check(post_map: dict[str, list[str]], people_rows: list[tuple], **kwargs: Any) -> ConflictReport:
    return check_frames(posts(post_map), people(people_rows), **kwargs)


def found(report: ConflictReport, kind: str | None = None) -> set[tuple[str, str]]:
    """(rule id, person) of every conflict (of one kind)."""
    return {(c.rule_id, c.person) for c in report.conflicts if kind is None or c.kind == kind}
