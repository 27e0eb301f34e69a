"""Score the basic evaluation: the unit's answers (and icx's derived ones) → a scorecard.

Pure. Each criterion gets its answer in this order: the unit's own answer on the sheet, else
icx's derived answer, else none. Then:

- 是 earns the criterion's points; 否 earns 0, the deduction's reason naming the criterion;
- 不适用 where the criterion allows it earns nothing and leaves the criterion's points out of the
  converted score's base (``converted = total ÷ (100 − points 不适用) × 100``, rounded half up to
  ``conversion.digits``: an inference, flagged in the data); where it is not allowed, 0 and an
  error;
- a banded criterion takes a rate (a number, 0.035, or a text, 3.5%): rounded to 9 decimals (no
  float noise at an edge), made absolute where the band says so, then scored by the band whose
  edge is the first not below it (each edge belongs to the better band);
- no answer, or one that cannot be read, earns 0 and says so (a warning, or an error).

A unit answer that differs from the derived one is an override: allowed, listed, and it should
give its reason (a warning when it does not). Every deduction is listed with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from icx import i18n
from icx.core.basic_evaluation.derive import Derived
from icx.core.basic_evaluation.system import AnswerCode, Criterion, IndicatorSystem, default_system
from icx.core.errors import Problem
from icx.core.parsing import as_number, as_percent, is_blank, round_half_up

RATE_DIGITS = 9  # a rate is rounded like this before banding (as the sheet's ROUND does)
SHOW_IDS = 12  # criteria named in the one warning about unanswered ones
LARGE_RATE = 1.0  # a rate above 100% is probably a percentage typed as a number: warned

Outcome = Literal["yes", "no", "na", "rate", "blank", "invalid"]


@dataclass(frozen=True)
class Response:
    """What the unit wrote on one criterion's row (all optional)."""

    answer: Any = None
    reason: str = ""  # why it overrides icx's derived answer
    document: str = ""  # the evidence
    date: Any = None
    note: str = ""  # the unit's own remark
    cell: str | None = None  # where the answer is ('I7')
    sheet: str | None = None


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    level: str
    response: Response
    derived: Derived | None
    outcome: Outcome
    source: Literal["unit", "derived", ""]  # where the answer used came from
    rate: float | None  # banded: the rate scored (rounded, absolute where the band says so)
    score: float | None  # None when 不适用 (allowed)
    na_points: float  # the criterion's points when answered 不适用 (allowed), else 0
    deduction: float
    reason_zh: str  # why points were deducted (or why 不适用), '' otherwise
    reason_en: str
    overridden: bool

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def points(self) -> float:
        return self.criterion.points

    def reason(self, lang: i18n.Lang = "zh") -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class Subtotal:
    """An indicator's, a level's or the whole evaluation's points and score."""

    key: str  # indicator number as text, level code, or '' for the total
    points: float
    score: float
    na_points: float

    @property
    def applicable(self) -> float:
        return self.points - self.na_points

    @property
    def deduction(self) -> float:
        return self.applicable - self.score

    @property
    def scaled(self) -> float | None:
        """The score on the full points' scale (score ÷ applicable × points); None when nothing applies."""
        if self.applicable <= 0:
            return None
        return self.score if self.na_points == 0 else self.score * self.points / self.applicable


@dataclass
class Scorecard:
    system: IndicatorSystem
    criteria: list[CriterionScore]
    indicators: list[Subtotal]  # in indicator order
    levels: list[Subtotal]
    total: Subtotal
    converted: float | None  # total on the 100-point scale with 不适用 points left out
    problems: list[Problem] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.total.score

    @property
    def na_points(self) -> float:
        return self.total.na_points

    @property
    def deductions(self) -> list[CriterionScore]:
        """Every criterion that lost points, in indicator order."""
        return [c for c in self.criteria if c.deduction > 0]

    @property
    def not_applicable(self) -> list[CriterionScore]:
        return [c for c in self.criteria if c.na_points > 0]

    @property
    def overrides(self) -> list[CriterionScore]:
        return [c for c in self.criteria if c.overridden]

    @property
    def unanswered(self) -> list[CriterionScore]:
        return [c for c in self.criteria if c.outcome == "blank"]

    @property
    def invalid(self) -> list[CriterionScore]:
        return [c for c in self.criteria if c.outcome == "invalid"]

    @property
    def answered(self) -> int:
        return sum(1 for c in self.criteria if c.outcome not in ("blank", "invalid"))

    def indicator(self, no: int) -> Subtotal:
        return self.indicators[[i.no for i in self.system.indicators].index(no)]

    def level(self, code: str) -> Subtotal:
        return next(lv for lv in self.levels if lv.key == code)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# --- reading one answer -------------------------------------------------------------------------
def read_rate(value: Any) -> float | None:
    """A rate from a cell: a number as it is (0.035), or a percentage text ("3.5%")."""
    number = as_number(value)
    return number if number is not None else as_percent(value)


def answer_code(system: IndicatorSystem, value: Any) -> AnswerCode | None:
    return None if is_blank(value) else system.answers.code(str(value).strip())


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _reason(key: str, **values: Any) -> tuple[str, str]:
    return i18n.both(f"basic_evaluation_reason_{key}", **values)


def _percent(rate: float) -> str:
    return f"{rate * 100:.2f}%"


# --- scoring ------------------------------------------------------------------------------------
def score_criterion(
    system: IndicatorSystem, c: Criterion, response: Response, derived: Derived | None, problems: list[Problem]
) -> CriterionScore:
    """Score one criterion; problems about its answer are appended to ``problems``."""
    where = {"sheet": response.sheet, "cell": response.cell, "field": "answer"}
    given = response.answer
    unit_code = answer_code(system, given)
    derived_code = derived.answer if derived is not None else None
    rate = None
    if not is_blank(given):
        source: Literal["unit", "derived", ""] = "unit"
        if c.band is not None and unit_code != "na":
            rate = read_rate(given)
            outcome: Outcome = "rate" if rate is not None else "invalid"
        else:
            outcome = unit_code if unit_code is not None else "invalid"
    elif derived_code is not None:
        source, outcome = "derived", derived_code
    else:
        source, outcome = "", "blank"

    points = c.points
    score: float | None = 0.0
    na_points = 0.0
    zh = en = ""
    if outcome == "yes":
        score = points
    elif outcome == "no":
        zh, en = _reason("no", criterion=c.zh, criterion_en=c.en)
    elif outcome == "na":
        if c.na_allowed:
            score, na_points = None, points
            zh, en = _reason("na", condition=c.not_applicable)
        else:
            zh, en = _reason("na_not_allowed")
            problems.append(Problem.of("basic_evaluation_na_not_allowed", params={"id": c.id}, given=given, **where))
    elif outcome == "rate" and c.band is not None and rate is not None:
        if abs(rate) > LARGE_RATE:
            problems.append(
                Problem.of("basic_evaluation_rate_large", params={"id": c.id}, given=given, severity="warning", **where)
            )
        rate = round_half_up(abs(rate) if c.band.absolute else rate, RATE_DIGITS)
        score = c.band.score(rate)
        if score < points:
            zh, en = _reason(
                "band",
                label=c.band.label,
                label_en=c.band.label_en,
                rate=_percent(rate),
                best=_percent(c.band.edges[0]),
                score=f"{score:g}",
            )
    elif outcome == "blank":
        zh, en = _reason("blank")  # reported once for all blank criteria, by ``score``
    else:  # invalid
        zh, en = _reason("invalid", given=_text(given))
        key = "basic_evaluation_rate_invalid" if c.band is not None else "basic_evaluation_answer_invalid"
        accepted = "、".join(system.answers.label(code) for code in ("yes", "no", "na") if code != "na" or c.na_allowed)
        problems.append(Problem.of(key, params={"id": c.id, "accepted": accepted}, given=given, **where))

    overridden = source == "unit" and derived_code is not None and unit_code != derived_code
    if overridden and not response.reason.strip():
        problems.append(
            Problem.of(
                "basic_evaluation_override_no_reason",
                params={"id": c.id, "derived": system.answers.label(derived_code)},  # type: ignore[arg-type]
                given=given,
                severity="warning",
                sheet=response.sheet,
                cell=response.cell,
                field="reason",
            )
        )
    if source == "unit" and outcome == "yes" and not response.document.strip():
        problems.append(
            Problem.of(
                "basic_evaluation_evidence_missing",
                params={"id": c.id, "evidence": c.evidence or "—"},
                severity="warning",
                sheet=response.sheet,
                cell=response.cell,
                field="document",
            )
        )
    deduction = 0.0 if score is None else points - score
    return CriterionScore(
        criterion=c,
        level=system.level_of(c),
        response=response,
        derived=derived,
        outcome=outcome,
        source=source,
        rate=rate,
        score=score,
        na_points=na_points,
        deduction=deduction,
        reason_zh=zh,
        reason_en=en,
        overridden=overridden,
    )


def score(
    responses: Mapping[str, Response],
    derived: Mapping[str, Derived] | None = None,
    system: IndicatorSystem | None = None,
) -> Scorecard:
    """The scorecard of one unit: ``responses`` and ``derived`` by criterion id (missing = blank)."""
    system = system or default_system()
    derived = derived or {}
    problems: list[Problem] = []
    rows = [
        score_criterion(system, c, responses.get(c.id, Response()), derived.get(c.id), problems)
        for c in system.criteria
    ]
    blank = [r for r in rows if r.outcome == "blank"]
    if blank:  # one line for all of them: a fresh sheet has dozens
        ids = "、".join(r.id for r in blank[:SHOW_IDS]) + ("…" if len(blank) > SHOW_IDS else "")
        first = blank[0].response
        problems.append(
            Problem.of(
                "basic_evaluation_unanswered",
                params={"count": len(blank), "ids": ids},
                severity="warning",
                sheet=first.sheet,
                cell=first.cell,
                field="answer",
            )
        )

    def subtotal(key: str, chosen: list[CriterionScore]) -> Subtotal:
        return Subtotal(
            key=key,
            points=float(sum(r.points for r in chosen)),
            score=float(sum(r.score or 0.0 for r in chosen)),
            na_points=float(sum(r.na_points for r in chosen)),
        )

    by_indicator: dict[int, list[CriterionScore]] = {}
    by_level: dict[str, list[CriterionScore]] = {}
    for r in rows:
        by_indicator.setdefault(r.criterion.indicator, []).append(r)
        by_level.setdefault(r.level, []).append(r)
    indicators = [subtotal(str(i.no), by_indicator.get(i.no, [])) for i in system.indicators]
    levels = [subtotal(lv.code, by_level.get(lv.code, [])) for lv in system.levels]
    total = subtotal("", rows)
    return Scorecard(system, rows, indicators, levels, total, converted(total, system), problems)


def converted(total: Subtotal, system: IndicatorSystem) -> float | None:
    """The total on the full scale with the 不适用 points left out; None when nothing applies."""
    if total.applicable <= 0:
        return None
    if total.na_points == 0:
        return total.score
    return round_half_up(total.score / total.applicable * total.points, system.conversion.digits)
