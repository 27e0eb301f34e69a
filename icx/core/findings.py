"""Findings of the post, authority and treatment checks: one plain record for all three.

Rotation (轮岗), tiered approval (分级授权) and risk treatment with committee sign-off (风险应对,
委员会审定) find different things, but every surface shows them the same way — who or what, where,
what was found, what to do, and by when — so they travel as one small frozen record. Messages
come from the catalogue (``icx/data/catalogue/oversight.toml``): ``finding_<kind>`` says what was
found and ``finding_fix_<kind>`` what to do, both filled from the finding's ``params``.

``row`` and ``fields`` name the sheet row and column keys the finding is about; the workbook layer
turns them into cells (``sources``: '风险清单!T12').
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from icx import i18n

CHECKS = ("rotation", "authority", "treatment")
SEVERITIES = ("high", "medium", "low")
KINDS = {
    "rotation": ("rotation_overdue", "rotation_unaudited"),
    "authority": ("approval_over_limit", "possible_split"),
    "treatment": ("plan_incomplete", "treatment_overdue", "signoff_missing", "signoff_rejected", "review_overdue"),
}


@dataclass(frozen=True)
class Finding:
    """One thing a check found, with what is needed to explain and fix it."""

    check: str  # one of CHECKS
    kind: str  # one of KINDS[check]
    severity: str  # one of SEVERITIES
    subject: str  # who or what: a person, a payee, a risk id
    message: str  # what was found (zh)
    message_en: str
    fix: str  # what to do (zh)
    fix_en: str
    employee_id: str = ""
    post: str = ""  # as written
    area: str = ""  # methodology area code, '' when none
    reference: str = ""  # vouchers, risk id
    period: str = ""  # '2019-03-01 ~ 2026-06-30'
    due: dt.date | None = None  # when it was due (rotation, treatment deadline, review date)
    days_over: int | None = None  # days past ``due`` as of the check
    amount: float | None = None
    limit: float | None = None
    row: Any = None  # the sheet row the finding is about (None when it spans rows)
    fields: tuple[str, ...] = ()  # the column keys it is about (missing cells, the flagged value)
    sources: tuple[str, ...] = ()  # where in the workbook ('风险清单!T12'), filled by the readers
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        check: str,
        kind: str,
        severity: str,
        subject: str,
        params: Mapping[str, Any],
        *,
        variant: str = "",
        **more: Any,
    ) -> Finding:
        """A finding whose message (``finding_<kind>[_<variant>]``) and fix are the catalogue's,
        filled from ``params``."""
        if kind not in KINDS[check] or severity not in SEVERITIES:
            raise ValueError(f"unknown finding {check}/{kind}/{severity}")
        zh, en = i18n.both(f"finding_{kind}_{variant}" if variant else f"finding_{kind}", **params)
        fix_zh, fix_en = i18n.both(f"finding_fix_{kind}", **params)
        return cls(check, kind, severity, subject, zh, en, fix_zh, fix_en, params=dict(params), **more)

    def kind_label(self, lang: i18n.Lang = "zh") -> str:
        return i18n.label(f"finding_kind_{self.kind}", lang)

    def severity_label(self, lang: i18n.Lang = "zh") -> str:
        return i18n.label(f"finding_severity_{self.severity}", lang)

    def text(self, lang: i18n.Lang = "zh") -> str:
        return self.message if lang == "zh" else self.message_en

    def fix_text(self, lang: i18n.Lang = "zh") -> str:
        return self.fix if lang == "zh" else self.fix_en

    def with_sources(self, sources: Iterable[str]) -> Finding:
        return replace(self, sources=tuple(sources))


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by check, kind, subject and row (a stable order for every surface)."""
    kinds = [k for check in CHECKS for k in KINDS[check]]
    return sorted(
        findings,
        key=lambda f: (
            SEVERITIES.index(f.severity),
            CHECKS.index(f.check),
            kinds.index(f.kind),
            f.subject,
            f.post,
            f.reference,
            f.row if isinstance(f.row, int) else -1,
        ),
    )


def show_amount(value: float | None) -> str:
    """'12,000' / '12,345.6' ('' for None)."""
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")
