"""Risk treatment plans (风险应对), residual levels and the committee's sign-off (委员会审定).

Pure: the register's rows (catalogue keys ``register``) with each row's recomputed level in;
plans, findings and problems out. Which risks need a plan and which a sign-off is the
methodology's ``treatment`` section; the wordings of statuses and decisions are the catalogue's
``[choices]`` (``treatment_status``, ``decision``).

Decisions:

- A plan is the register's 应对策略 (response), 控制措施 (the measures: the controls that carry
  out the response), 责任人 (owner), 完成期限 (deadline) and 应对状态 (status). Risks of the plan
  levels (一级, 二级) need every part — except that an accepted risk (风险承受: by definition no
  measures are taken) needs only the response and the owner; the committee's sign-off stands in
  for the rest. Missing parts are one finding per risk, naming each missing cell.
- A treatment is overdue when it is not 已完成 and its deadline is before the as-of date (due on
  that date is not overdue yet), whatever the risk's level; a blank or unknown status counts as
  not done, so nothing overdue is hidden by a typo (the typo is reported too).
- Sign-off: risks of the sign-off levels (一级) and every risk whose response is a sign-off
  response (承受) need the decision, its date, the minutes' reference and the next review date.
  A 不同意 decision leaves the risk to approve again; a next review date before the as-of date is
  a review overdue.
- Residual level: the residual likelihood and impact (scores or wordings, as the assessors write
  them) graded with the unit's own matrix, like the inherent level. A residual score above the
  inherent one is reported (controls do not raise a risk: most likely a typing error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from icx import i18n
from icx.core import scoring
from icx.core.dates import as_date, show
from icx.core.errors import Problem
from icx.core.findings import Finding, ordered
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import is_blank
from icx.core.persons import cell_text

if TYPE_CHECKING:
    from icx.core.rows import Rows

PLAN_PARTS = ("response", "controls", "owner", "treatment_deadline", "treatment_status")
ACCEPT_PARTS = ("response", "owner")
SIGN_OFF_PARTS = ("decision", "sign_off_date", "minutes_ref", "next_review")
DONE, REJECTED, ACCEPT = "done", "rejected", "accept"
SEVERITY_BY_LEVEL = {1: "high", 2: "medium"}


def _blank(value: Any) -> bool:
    """``is_blank`` for the cells of a register row, fast on the common None and text."""
    if value is None:
        return True
    if value.__class__ is str:
        return not value.strip()
    return is_blank(value)


@dataclass(frozen=True)
class Wording:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: i18n.Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@cache
def wordings(kind: str) -> tuple[Wording, ...]:
    """The choices of one dropdown ('treatment_status', 'decision') from the catalogue."""
    return tuple(
        Wording(w["code"], w["zh"], w["en"], tuple(w.get("aliases", ()))) for w in i18n.section("choices")[kind]
    )


@cache
def _index(kind: str) -> dict[str, Wording]:
    out: dict[str, Wording] = {}
    for w in wordings(kind):
        for name in (w.code, w.zh, w.en, *w.aliases):
            out.setdefault(normalize_word(name), w)
    return out


def wording(kind: str, given: Any) -> Wording | None:
    """The wording a cell means (any of its names, NFKC, spaces and case ignored), or None."""
    return _index(kind).get(normalize_word(cell_text(given)))


def accepted(kind: str) -> str:
    return "、".join(w.zh for w in wordings(kind))


def response_of(m: Methodology, written: str) -> Any:
    """The methodology's response a cell names: any of its names, or the short form without
    风险 (承受 → 风险承受), as the manual's text writes them."""
    if not written:
        return None
    return m.response(written) or m.response(f"风险{written}")


@dataclass(frozen=True)
class Plan:
    """One risk's treatment and sign-off, read from its register row."""

    risk_id: str
    description: str
    area: str  # area code
    level: int | None  # inherent, recomputed
    score: float | None
    response: str  # methodology response code, '' when blank or unknown
    response_name: str  # as written
    measures: str
    owner: str
    deadline: dt.date | None
    status: str  # treatment_status code, '' when blank or unknown
    residual_likelihood: float | None = None
    residual_impact: float | None = None
    residual_score: float | None = None
    residual_level: int | None = None
    decision: str = ""  # decision code
    signed_on: dt.date | None = None
    minutes: str = ""
    next_review: dt.date | None = None
    needs_plan: bool = False
    needs_sign_off: bool = False
    missing: tuple[str, ...] = ()  # plan parts (column keys) left blank
    missing_sign_off: tuple[str, ...] = ()
    row: Any = None

    @property
    def open(self) -> bool:
        return self.status != DONE

    def overdue(self, as_of: dt.date) -> bool:
        return self.deadline is not None and self.open and self.deadline < as_of


@dataclass
class TreatmentReport:
    findings: list[Finding] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def overdue(self, as_of: dt.date) -> list[Plan]:
        return [p for p in self.plans if p.overdue(as_of)]


def read_plans(
    frame: Rows,
    levels: Mapping[Any, tuple[int | None, float | None]],
    methodology: Methodology | None = None,
) -> tuple[list[Plan], list[Problem]]:
    """One plan per register row with a risk id; ``levels`` gives each sheet row's recomputed
    (level, score) — rows the register reader could not score have (None, None)."""
    m = methodology or default_methodology()
    rules = m.treatment
    plans: list[Plan] = []
    problems: list[Problem] = []
    records = frame.records()
    for r in frame.sheet_rows:
        get = records[r].get
        risk_id = cell_text(get("id"))
        if not risk_id:
            continue
        level, score = levels.get(r, (None, None))
        response_text = cell_text(get("response"))
        response = response_of(m, response_text)
        if response_text and response is None:
            problems.append(
                Problem.of(
                    "treatment_response_invalid",
                    given=response_text,
                    params={"accepted": "、".join(x.name_zh for x in m.responses)},
                    row=r,
                    field="response",
                )
            )
        code = response.code if response is not None else ""
        status = _choice("treatment_status", get("treatment_status"), r, "treatment_status", problems)
        decision = _choice("decision", get("decision"), r, "decision", problems)
        deadline = _date(get("treatment_deadline"), r, "treatment_deadline", problems)
        signed_on = _date(get("sign_off_date"), r, "sign_off_date", problems)
        next_review = _date(get("next_review"), r, "next_review", problems)
        rl, ri = _residual(get, r, m, problems)
        needs_plan = level in rules.plan_levels
        needs_sign_off = level in rules.sign_off_levels or code in rules.sign_off_responses
        parts = ACCEPT_PARTS if code == ACCEPT else PLAN_PARTS
        # a part written wrongly is reported as such (above), not again as missing
        missing = tuple(k for k in parts if _blank(get(k))) if needs_plan else ()
        missing_sign_off = tuple(k for k in SIGN_OFF_PARTS if _blank(get(k))) if needs_sign_off else ()
        residual_score = scoring.risk_score(rl, ri) if rl is not None and ri is not None else None
        residual_level = scoring.risk_level(rl, ri, m) if residual_score is not None else None
        if residual_score is not None and score is not None and residual_score > score:
            problems.append(
                Problem.of(
                    "treatment_residual_above",
                    params={"residual": f"{residual_score:g}", "inherent": f"{score:g}"},
                    severity="warning",
                    row=r,
                    field="residual_likelihood",
                )
            )
        plans.append(
            Plan(
                risk_id=risk_id,
                description=cell_text(get("description")),
                area=cell_text(get("area_code")),
                level=level,
                score=score,
                response=code,
                response_name=response.name_zh if response is not None else response_text,
                measures=cell_text(get("controls")),
                owner=cell_text(get("owner")),
                deadline=deadline,
                status=status,
                residual_likelihood=rl,
                residual_impact=ri,
                residual_score=residual_score,
                residual_level=residual_level,
                decision=decision,
                signed_on=signed_on,
                minutes=cell_text(get("minutes_ref")),
                next_review=next_review,
                needs_plan=needs_plan,
                needs_sign_off=needs_sign_off,
                missing=missing,
                missing_sign_off=missing_sign_off,
                row=r,
            )
        )
    return plans, problems


def _choice(kind: str, value: Any, r: Any, key: str, problems: list[Problem]) -> str:
    if _blank(value):
        return ""
    found = wording(kind, value)
    if found is None:
        problems.append(
            Problem.of(
                "oversight_choice_invalid",
                given=value,
                params={"column": _header(key), "accepted": accepted(kind)},
                row=r,
                field=key,
            )
        )
        return ""
    return found.code


def _date(value: Any, r: Any, key: str, problems: list[Problem]) -> dt.date | None:
    if _blank(value):
        return None
    day = as_date(value)
    if day is None:
        problems.append(Problem.of("oversight_date_invalid", given=value, row=r, field=key))
    return day


def _residual(get: Any, r: Any, m: Methodology, problems: list[Problem]) -> tuple[float | None, float | None]:
    out: list[float | None] = []
    cells = {}
    for kind, key in (("likelihood", "residual_likelihood"), ("impact", "residual_impact")):
        value = get(key)
        cells[key] = value
        if _blank(value):
            out.append(None)
            continue
        reading = scoring.parse_cells(kind, [value], m)[0]
        if reading.code is not None:  # refused as the register refuses an assessor's cell, same message
            problems.append(
                Problem.of(reading.code, message=reading.message, params=reading.params, given=value, row=r, field=key)
            )
            out.append(None)
        else:
            out.append(reading.score)
    blank = [k for k, v in cells.items() if _blank(v)]
    if len(blank) == 1:
        problems.append(
            Problem.of(
                "treatment_residual_incomplete",
                params={"column": _header(blank[0])},
                severity="warning",
                row=r,
                field=blank[0],
            )
        )
    return out[0], out[1]


def check_treatment(plans: list[Plan], as_of: dt.date, methodology: Methodology | None = None) -> TreatmentReport:
    """The findings of the plans: parts missing, treatments overdue, sign-offs missing or
    refused, reviews overdue."""
    m = methodology or default_methodology()
    report = TreatmentReport(plans=list(plans))
    for plan in plans:
        severity = SEVERITY_BY_LEVEL.get(plan.level or 0, "low")
        base = _params(plan, m)
        more = dict(area=plan.area, reference=plan.risk_id, row=plan.row)
        if plan.missing:
            params = {**base, **_parts(plan.missing)}
            report.findings.append(
                Finding.of("treatment", "plan_incomplete", severity, plan.risk_id, params, fields=plan.missing, **more)
            )
        if plan.overdue(as_of):
            assert plan.deadline is not None
            status = wording("treatment_status", plan.status) if plan.status else None
            params = {
                **base,
                "deadline": show(plan.deadline),
                "as_of": show(as_of),
                "status": status.zh if status else "—",
                "status_en": status.en if status else "—",
            }
            report.findings.append(
                Finding.of(
                    "treatment",
                    "treatment_overdue",
                    severity,
                    plan.risk_id,
                    params,
                    due=plan.deadline,
                    days_over=(as_of - plan.deadline).days,
                    fields=("treatment_deadline",),
                    **more,
                )
            )
        if plan.missing_sign_off:
            params = {**base, **_parts(plan.missing_sign_off)}
            report.findings.append(
                Finding.of(
                    "treatment", "signoff_missing", severity, plan.risk_id, params, fields=plan.missing_sign_off, **more
                )
            )
        if plan.decision == REJECTED:
            params = {**base, "date": show(plan.signed_on) or "—", "minutes": plan.minutes or "—"}
            report.findings.append(
                Finding.of(
                    "treatment", "signoff_rejected", severity, plan.risk_id, params, fields=("decision",), **more
                )
            )
        if plan.next_review is not None and plan.next_review < as_of:
            params = {**base, "review": show(plan.next_review), "as_of": show(as_of)}
            report.findings.append(
                Finding.of(
                    "treatment",
                    "review_overdue",
                    severity,
                    plan.risk_id,
                    params,
                    due=plan.next_review,
                    days_over=(as_of - plan.next_review).days,
                    fields=("next_review",),
                    **more,
                )
            )
        if plan.signed_on is not None and plan.signed_on > as_of:
            report.problems.append(
                Problem.of(
                    "treatment_signed_later",
                    params={"date": show(plan.signed_on), "as_of": show(as_of)},
                    severity="warning",
                    row=plan.row,
                    field="sign_off_date",
                )
            )
    report.findings = ordered(report.findings)
    return report


def _params(plan: Plan, m: Methodology) -> dict[str, Any]:
    description = plan.description if len(plan.description) <= 40 else plan.description[:39] + "…"
    return {
        "id": plan.risk_id,
        "description": description or "—",
        "level": m.level_name(plan.level, "zh") if plan.level else "—",
        "level_en": m.level_name(plan.level, "en") if plan.level else "—",
        "response": plan.response_name or "—",
        "response_en": (found.name_en if (found := m.response(plan.response)) else plan.response_name) or "—",
    }


def _parts(keys: tuple[str, ...]) -> dict[str, str]:
    return {
        "missing": "、".join(_header(k) for k in keys),
        "missing_en": ", ".join(_header(k, "en") for k in keys),
    }


def _header(key: str, lang: str = "zh") -> str:
    for spec in i18n.section("columns").get("register", ()):
        if spec["key"] == key:
            return spec[lang]
    return key
