"""Builders of the post, authority and treatment checks' inputs (catalogue keys, sheet rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icx.core.authority import AuthorityReport, check_authority, read_authorities, read_payments
from icx.core.conflicts import default_library, read_post_duties
from icx.core.methodology import Methodology, default_methodology
from icx.core.persons import read_roster
from icx.core.rotation import RotationReport, check_rotation, profile_posts, read_audits, read_post_settings
from icx.core.rows import Rows

FIRST_ROW = 5

D = dt.date


def rows(records: list[dict[str, Any]], keys: list[str]) -> Rows:
    return Rows(
        list(keys), list(range(FIRST_ROW, FIRST_ROW + len(records))), [[r.get(k) for k in keys] for r in records]
    )


def duties(mapping: dict[str, list[str]]) -> Rows:
    return rows([{"post": p, "duty": d} for p, ds in mapping.items() for d in ds], ["post", "duty"])


def people(items: list[tuple]) -> Rows:
    """(name, id, post, from, to[, acting]) tuples."""
    keys = ["person", "employee_id", "post", "date_from", "date_to", "acting"]
    return rows([dict(zip(keys, item)) for item in items], keys)


def audits(items: list[tuple]) -> Rows:
    """(post, from, to, audit date[, auditor]) tuples."""
    keys = ["post", "period_from", "period_to", "audit_date", "auditor", "reference"]
    return rows([dict(zip(keys, item)) for item in items], keys)


def post_lines(items: list[tuple]) -> Rows:
    """(post, key mark, years) tuples."""
    keys = ["post", "key_post", "rotation_years"]
    return rows([dict(zip(keys, item)) for item in items], keys)


POSTS = {
    "出纳": ["出纳"],
    "会计": ["会计记账"],
    "预算专员": ["预算编制"],
    "采购专员": ["招标文件准备"],
    "文秘": ["公文处理"],
}


def rotation(
    assignments: list[tuple],
    as_of: dt.date,
    *,
    audit_rows: list[tuple] = (),  # type: ignore[assignment]
    lines: list[tuple] = (),  # type: ignore[assignment]
    post_map: dict[str, list[str]] | None = None,
    methodology: Methodology | None = None,
) -> RotationReport:
    m = methodology or default_methodology()
    posts, p1 = read_post_duties(duties(post_map or POSTS))
    roster, p2 = read_roster(people(assignments))
    settings, p3 = read_post_settings(post_lines(list(lines)))
    found, p4 = read_audits(audits(list(audit_rows)), as_of)
    profiles = profile_posts(
        posts, default_library(), m.rotation, settings, {a.post: a.post_name for a in roster.assignments}
    )
    report = check_rotation(roster, profiles, found, as_of)
    report.problems[:0] = p1 + p2 + p3 + p4
    return report


def authority_lines(items: list[tuple]) -> Rows:
    """(post, scope, limit) tuples."""
    keys = ["post", "scope", "limit"]
    return rows([dict(zip(keys, item)) for item in items], keys)


def payments(items: list[tuple]) -> Rows:
    """(voucher, approver, amount, date, payee[, type]) tuples."""
    keys = ["voucher", "approver", "amount", "date", "payee", "expense_type"]
    return rows([dict(zip(keys, item)) for item in items], keys)


def authority(
    log: list[tuple],
    lines: list[tuple],
    assignments: list[tuple],
    methodology: Methodology | None = None,
) -> AuthorityReport:
    m = methodology or default_methodology()
    table, p1 = read_authorities(authority_lines(lines), m)
    found, p2 = read_payments(payments(log), m)
    roster, p3 = read_roster(people(assignments))
    report = check_authority(found, table, roster, m.authority)
    report.problems[:0] = p1 + p2 + p3
    return report
