"""Tiered approval limits (分级授权): approvals above the approver's limit, and payments split to
stay under one (拆分支付).

Pure: the approval-authority table (post → scope → maximum amount), the payment log's rows and
the person → post roster in; findings and problems out. The window of the split test is the
methodology's ``authority`` section.

Decisions:

- A limit is the largest amount a post may approve: an amount exactly at the limit is within it.
  A limit written 不限 (or 无上限, unlimited) has none.
- Scope: a line for a scope (an area such as 采购, or an expense type such as 差旅费) applies to
  payments of that scope; a line without a scope to every payment of the post. For one post the
  line of the payment's own scope wins over the general one.
- The approver's limit is the largest limit of the posts the approver holds on the payment's date
  (without a date: of every post they have held, so no approval is called over-limit on a guess).
  An approver with no post, or whose posts carry no limit, is reported once; their approvals are
  not checked.
- Possible splitting: payments to one payee (names compared after NFKC, without spaces, case-
  insensitively), each within its approver's limit and at least ``split_min_share`` of it, are
  added up over every window of ``split_window_days`` days (a payment dated d and one dated
  d + N days are in one window). A window of two or more whose sum passes the limit of its last
  payment's approver is flagged — counting only payments approved at or below that limit, as a
  split keeps every part below the tier it avoids. Flagged windows sharing a payment are one
  finding.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icx.core.dates import as_date, show
from icx.core.errors import Problem
from icx.core.findings import Finding, ordered, show_amount
from icx.core.methodology import AuthorityRules, Methodology, default_methodology
from icx.core.parsing import as_amount, is_blank
from icx.core.persons import Assignment, Roster, cell_text, normalize_name, normalize_post, split_name_id, tidy_name

if TYPE_CHECKING:
    from icx.core.rows import Rows

UNLIMITED = math.inf
UNLIMITED_WORDS = frozenset({"不限", "无限额", "无上限", "不设限额", "不限额", "unlimited", "nolimit", "∞"})
CENTS = 2


def scope_key(value: Any, m: Methodology) -> str:
    """A scope as compared: an area's code ('area:procurement') for any name of an area, else the
    text without spaces, lower case ('' for blank: every scope)."""
    text = cell_text(value)
    if not text:
        return ""
    area = m.area(text)
    return f"area:{area.code}" if area is not None else normalize_post(text)


def read_limit(value: Any) -> float | None:
    """A limit cell: an amount (12000, '1.2万', '¥12,000') or 不限; None when it is neither."""
    if normalize_post(value) in UNLIMITED_WORDS:
        return UNLIMITED
    amount = as_amount(value)
    return amount if amount is not None and amount >= 0 else None


# --- the authority table -----------------------------------------------------------------------
@dataclass(frozen=True)
class Authority:
    """One line of the approval-authority table."""

    post: str  # normalised
    post_name: str
    scope: str  # scope_key; '' = every scope
    scope_name: str
    limit: float  # UNLIMITED when none
    row: Any = None
    source: str = ""


@dataclass
class AuthorityTable:
    lines: dict[str, dict[str, Authority]] = field(default_factory=dict)  # post → scope → line

    def __bool__(self) -> bool:
        return bool(self.lines)

    def line(self, post: str, scope: str) -> Authority | None:
        """The line for a payment of ``scope`` approved by ``post``: its own scope, else the general one."""
        by_scope = self.lines.get(post)
        if not by_scope:
            return None
        return by_scope.get(scope) or by_scope.get("")


def read_authorities(frame: Rows, methodology: Methodology | None = None) -> tuple[AuthorityTable, list[Problem]]:
    """The approval-authority table (catalogue keys ``authority``: post, scope, limit)."""
    m = methodology or default_methodology()
    table = AuthorityTable()
    problems: list[Problem] = []
    records = frame.records()
    for r in frame.sheet_rows:
        get = records[r].get
        name, limit_value = cell_text(get("post")), get("limit")
        if not name and is_blank(limit_value) and is_blank(get("scope")):
            continue
        if not name:
            problems.append(
                Problem.of("required_blank", params={"column": _header("authority", "post")}, row=r, field="post")
            )
            continue
        if is_blank(limit_value):
            problems.append(
                Problem.of("required_blank", params={"column": _header("authority", "limit")}, row=r, field="limit")
            )
            continue
        limit = read_limit(limit_value)
        if limit is None:
            problems.append(Problem.of("authority_limit_invalid", given=limit_value, row=r, field="limit"))
            continue
        post, scope = normalize_post(name), scope_key(get("scope"), m)
        by_scope = table.lines.setdefault(post, {})
        if scope in by_scope:
            problems.append(
                Problem.of(
                    "authority_repeated", given=name, params={"first": by_scope[scope].source}, row=r, field="post"
                )
            )
            continue
        by_scope[scope] = Authority(post, name, scope, cell_text(get("scope")), limit, r, cell_text(get("source")))
    return table, problems


# --- payments ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Payment:
    """One approved payment of the log, read."""

    voucher: str
    approver: str  # as written, tidied
    approver_id: str
    payee: str  # as written
    scope: str  # scope_key of its expense type
    scope_name: str
    amount: float
    date: dt.date | None
    row: Any = None
    source: str = ""

    @property
    def payee_key(self) -> str:
        return normalize_name(self.payee)


def read_payments(frame: Rows, methodology: Methodology | None = None) -> tuple[list[Payment], list[Problem]]:
    """The log's rows that an approval check can use (an approver and an amount); the others are
    reported, except rows without either (no approval to check)."""
    m = methodology or default_methodology()
    out: list[Payment] = []
    problems: list[Problem] = []
    records = frame.records()
    for r in frame.sheet_rows:
        get = records[r].get
        approver, amount_value = cell_text(get("approver")), get("amount")
        if not approver and is_blank(amount_value):
            continue
        if not approver:
            problems.append(Problem.of("authority_no_approver", severity="warning", row=r, field="approver"))
            continue
        if is_blank(amount_value):
            problems.append(Problem.of("authority_no_amount", severity="warning", row=r, field="amount"))
            continue
        amount = as_amount(amount_value)
        if amount is None or amount < 0:
            problems.append(
                Problem.of("authority_amount_invalid", given=amount_value, severity="warning", row=r, field="amount")
            )
            continue
        date_value = get("date")
        day = as_date(date_value)
        if day is None:
            problems.append(
                Problem.of(
                    "authority_date_missing" if is_blank(date_value) else "oversight_date_invalid",
                    given=None if is_blank(date_value) else date_value,
                    severity="warning",
                    row=r,
                    field="date",
                )
            )
        name, given_id = split_name_id(approver)
        out.append(
            Payment(
                voucher=cell_text(get("voucher")),
                approver=tidy_name(name),
                approver_id=given_id,
                payee=cell_text(get("payee")),
                scope=scope_key(get("expense_type"), m),
                scope_name=cell_text(get("expense_type")),
                amount=amount,
                date=day,
                row=r,
                source=cell_text(get("source")),
            )
        )
    return out, problems


# --- the checks --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Approval:
    """A payment with its approver's limit resolved (``line`` None: not checked)."""

    payment: Payment
    line: Authority | None
    posts: tuple[str, ...]  # the posts the approver held (on the date), as written

    @property
    def limit(self) -> float | None:
        return self.line.limit if self.line is not None else None

    @property
    def over(self) -> bool:
        return self.line is not None and round(self.payment.amount, CENTS) > round(self.line.limit, CENTS)


@dataclass
class AuthorityReport:
    findings: list[Finding] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def checked(self) -> list[Approval]:
        return [a for a in self.approvals if a.line is not None]


def resolve(
    payment: Payment, table: AuthorityTable, roster: Roster, by_person: dict[str, list[Assignment]] | None = None
) -> Approval:
    """The approver's limit for ``payment``: the largest of the posts they hold on its date."""
    by_person = roster.by_person() if by_person is None else by_person
    person = roster.identity(payment.approver, payment.approver_id)
    held = [a for a in by_person.get(person, ()) if payment.date is None or a.start <= payment.date <= a.end]
    best: Authority | None = None
    for a in held:
        line = table.line(a.post, payment.scope)
        if line is not None and (best is None or line.limit > best.limit):
            best = line
    posts = tuple(dict.fromkeys(a.post_label for a in held))
    return Approval(payment, best, posts)


def check_authority(
    payments: Iterable[Payment],
    table: AuthorityTable,
    roster: Roster,
    rules: AuthorityRules | None = None,
) -> AuthorityReport:
    """Approvals over the approver's limit and possible split payments."""
    rules = rules or AuthorityRules()
    report = AuthorityReport()
    unchecked: dict[str, list[Approval]] = defaultdict(list)
    by_person = roster.by_person()
    for payment in payments:
        approval = resolve(payment, table, roster, by_person)
        report.approvals.append(approval)
        if approval.line is None:
            unchecked[roster.identity(payment.approver, payment.approver_id)].append(approval)
        elif approval.over:
            report.findings.append(_over_limit(approval))
    for group in unchecked.values():
        first = group[0]
        code = "authority_approver_no_limit" if first.posts else "authority_approver_no_post"
        report.problems.append(
            Problem.of(
                code,
                params={"person": first.payment.approver, "count": len(group), "posts": "、".join(first.posts)},
                severity="warning",
                row=first.payment.row,
                field="approver",
            )
        )
    report.findings += split_findings(report.approvals, rules)
    report.findings = ordered(report.findings)
    return report


def _over_limit(approval: Approval) -> Finding:
    p, line = approval.payment, approval.line
    assert line is not None
    params = {
        "voucher": p.voucher,
        "person": p.approver,
        "amount": show_amount(p.amount),
        "limit": show_amount(line.limit),
        "post": line.post_name,
        "scope": line.scope_name or "—",
        "date": show(p.date),
    }
    return Finding.of(
        "authority",
        "approval_over_limit",
        "high",
        p.approver,
        params,
        employee_id=p.approver_id,
        post=line.post_name,
        reference=p.voucher,
        period=show(p.date),
        amount=p.amount,
        limit=line.limit,
        row=p.row,
        fields=("amount",),
        sources=(p.source,) if p.source else (),
    )


def split_findings(approvals: Iterable[Approval], rules: AuthorityRules) -> list[Finding]:
    """Possible split payments (see the module's notes)."""
    by_payee: dict[str, list[Approval]] = defaultdict(list)
    for a in approvals:
        p = a.payment
        limit = a.limit
        if (
            p.date is not None
            and p.payee_key
            and limit is not None
            and limit != UNLIMITED
            and not a.over
            and p.amount >= rules.split_min_share * limit
        ):
            by_payee[p.payee_key].append(a)
    window = dt.timedelta(days=rules.split_window_days)
    out = []
    for items in by_payee.values():
        items.sort(key=lambda a: (a.payment.date, str(a.payment.row)))
        parent = list(range(len(items)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        days = [a.payment.date for a in items]
        flagged: dict[int, float] = {}  # member → the lowest limit of a flagged window holding it
        for q, last in enumerate(items):
            limit, day = last.limit, last.payment.date
            assert limit is not None and day is not None
            lo, hi = bisect_left(days, day - window), bisect_right(days, day)
            members = [i for i in range(lo, hi) if items[i].limit <= limit]  # type: ignore[operator]
            if len(members) < 2 or round(sum(items[i].payment.amount for i in members), CENTS) <= round(limit, CENTS):
                continue
            for i in members:
                flagged[i] = min(flagged.get(i, limit), limit)
                parent[find(i)] = find(q)
        clusters: dict[int, list[int]] = defaultdict(list)
        for i in sorted(flagged):
            clusters[find(i)].append(i)
        for members in clusters.values():
            out.append(_split([items[i] for i in members], min(flagged[i] for i in members), rules))
    return out


def _split(group: list[Approval], limit: float, rules: AuthorityRules) -> Finding:
    payments = [a.payment for a in group]
    first, last = payments[0], payments[-1]
    total = math.fsum(p.amount for p in payments)
    approvers = list(dict.fromkeys(p.approver for p in payments))
    vouchers = "、".join(p.voucher or f"#{p.row}" for p in payments)
    params = {
        "payee": first.payee,
        "count": len(payments),
        "vouchers": vouchers,
        "total": show_amount(total),
        "limit": show_amount(limit),
        "days": rules.split_window_days,
        "approvers": "、".join(approvers),
        "start": show(first.date),
        "end": show(last.date),
    }
    return Finding.of(
        "authority",
        "possible_split",
        "medium",
        first.payee,
        params,
        reference=vouchers,
        period=f"{show(first.date)} ~ {show(last.date)}",
        amount=total,
        limit=limit,
        row=first.row,
        fields=("amount",),
        sources=tuple(p.source for p in payments if p.source),
    )


def _header(table: str, key: str) -> str:
    from icx import i18n

    for spec in i18n.section("columns").get(table, ()):
        if spec["key"] == key:
            return spec["zh"]
    return key
