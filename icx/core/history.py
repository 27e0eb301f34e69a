"""A period's consolidated results as plain records, and what changed from one period to the next.

Pure: records in, comparisons out. ``icx.io.history_store`` keeps periods in a database;
``icx.consolidate`` turns a batch into a ``PeriodRecord``. Every record carries the unit code as
typed (cleaned of invisible characters); comparisons match units and ids by ``code_key``.

How two periods are compared (the 同比 sheet):
- Like for like: only units that reported in both periods are compared; units found in one period
  only are listed apart, so a unit that did not report this year never makes its risks look closed.
- A risk of this period is matched to one of last period's in the same unit by its risk id
  (``code_key``); the risks left on both sides are then paired by description when their
  similarity (Dice coefficient over character pairs of the normalised text, which suits Chinese
  with no word breaks) is at least ``DESCRIPTION_MATCH`` (0.6), best pairs first. A matched risk
  whose level number went down (三级 → 二级) escalated, up de-escalated; unmatched ones are new
  (this period) or closed (last period).
- 屡查屡犯: a unit has a deficiency on the same checklist item in both periods.
- Rectification of last period's open deficiencies: rectified when this period shows that item's
  deficiency as 已整改 or no deficiency on the item; still open when this period shows it open;
  not known when the unit did not report this period (not counted in the rate).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from icx.core.codes import code_key

DESCRIPTION_MATCH = 0.6  # least description similarity for two risks with different ids to be one
LEVELS = (1, 2, 3)


# --- records of one period -----------------------------------------------------------------------
class _Record:
    """Pickled as its class and field values, rebuilt by ``__init__``: the field-by-field state
    that ``dataclass(slots=True)`` pickles by is a Python loop per record, and a worker's result
    carries hundreds of records (``icx consolidate --db``), unpickled one after another by the
    parent process."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple]:
        return type(self), tuple(map(self.__getattribute__, self.__slots__))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class UnitRecord(_Record):
    code: str
    name: str
    file: str
    sha256: str
    evaluation_score: float | None = None  # % of the applicable weight
    methodology: str = ""
    preparer: str = ""
    contact: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class RiskRecord(_Record):
    unit_code: str
    risk_id: str
    area: str  # methodology area code
    description: str
    likelihood: float
    impact: float
    score: float
    level: int  # 1 = 一级 (most severe)
    process_step: str = ""
    category: str = ""
    cause: str = ""
    residual_likelihood: float | None = None
    residual_impact: float | None = None
    residual_score: float | None = None
    residual_level: int | None = None
    response: str = ""
    owner_department: str = ""
    owner: str = ""
    controls: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ControlRecord(_Record):
    """One row of a control matrix (风险控制矩阵), every column as the unit wrote it."""

    unit_code: str
    control_id: str
    area: str
    risk_id: str = ""
    process_step: str = ""
    risk_level: str = ""
    objective: str = ""
    activity: str = ""
    nature: str = ""
    mode: str = ""
    frequency: str = ""
    key_control: str = ""
    prepare_post: str = ""
    review_post: str = ""
    approve_post: str = ""
    owner_department: str = ""
    evidence: str = ""
    rule: str = ""
    test_method: str = ""


@dataclass(frozen=True, slots=True)
class DutyRecord(_Record):
    """A post and one of its duties (岗位职责)."""

    unit_code: str
    post: str
    duty: str


@dataclass(frozen=True, slots=True)
class DutyRuleRecord(_Record):
    """A unit's own incompatible-duty rule (or its switch for a built-in one)."""

    unit_code: str
    rule_id: str
    area: str = ""
    duty_a: str = ""
    duty_b: str = ""
    basis: str = ""
    enabled: str = ""


@dataclass(frozen=True, slots=True)
class AssignmentRecord(_Record):
    """A person on a post, with dates (人员岗位)."""

    unit_code: str
    person: str
    post: str
    employee_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    acting: str = ""


@dataclass(frozen=True, slots=True)
class ConflictRecord(_Record):
    unit_code: str
    kind: str
    rule_id: str
    area: str
    severity: str
    person: str
    posts: str  # joined by 、
    duty_a: str
    duty_b: str
    reference: str = ""
    dates: str = ""  # the overlapping dates, or the transaction date


@dataclass(frozen=True, slots=True)
class AreaScoreRecord(_Record):
    unit_code: str
    area: str  # '' for the unit's overall score
    percent: float | None
    applicable: int = 0
    not_compliant: int = 0


@dataclass(frozen=True, slots=True)
class ItemRecord(_Record):
    """One checklist item's result in a unit's self-evaluation."""

    unit_code: str
    item_id: str
    area: str
    result: str  # result code (compliant, partial, not_compliant, not_applicable, '')
    score: float | None = None
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class DeficiencyRecord(_Record):
    unit_code: str
    item_id: str
    area: str
    description: str
    grade: str
    status: str  # status code; 'done' = 已整改
    deadline: dt.date | None = None
    rectification: str = ""
    owner: str = ""
    overdue: bool = False
    owner_email: str = ""
    focus: str = ""

    @property
    def open(self) -> bool:
        return self.status != "done"


@dataclass
class PeriodRecord:
    """Everything recorded of one period's consolidation (counted files only)."""

    period: str
    as_of: dt.date
    recorded_at: dt.datetime
    units: list[UnitRecord] = field(default_factory=list)
    risks: list[RiskRecord] = field(default_factory=list)
    controls: list[ControlRecord] = field(default_factory=list)
    duties: list[DutyRecord] = field(default_factory=list)
    duty_rules: list[DutyRuleRecord] = field(default_factory=list)
    assignments: list[AssignmentRecord] = field(default_factory=list)
    conflicts: list[ConflictRecord] = field(default_factory=list)
    area_scores: list[AreaScoreRecord] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    deficiencies: list[DeficiencyRecord] = field(default_factory=list)

    def unit_codes(self) -> dict[str, UnitRecord]:
        """Units by ``code_key``."""
        return {code_key(u.code): u for u in self.units}


# --- comparison ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LevelCounts:
    """Risks by level, last period (``before``) and this period (``now``)."""

    key: str  # unit code or area code
    name: str
    before: tuple[int, int, int]
    now: tuple[int, int, int]

    @property
    def change(self) -> tuple[int, int, int]:
        return tuple(n - b for n, b in zip(self.now, self.before))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class RiskChange:
    unit_code: str
    kind: str  # new | closed | escalated | deescalated | unchanged
    before: RiskRecord | None
    now: RiskRecord | None
    matched_by: str = ""  # id | description
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class ScoreChange:
    unit_code: str
    name: str
    before: float | None
    now: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return round(self.now - self.before, 2)


@dataclass(frozen=True, slots=True)
class RepeatedDeficiency:
    unit_code: str
    item_id: str
    before: DeficiencyRecord
    now: DeficiencyRecord


@dataclass(frozen=True, slots=True)
class Rectification:
    unit_code: str
    deficiency: DeficiencyRecord  # open at the end of last period
    outcome: str  # rectified | open | unknown


@dataclass
class YearOverYear:
    before: str  # period labels
    now: str
    units_compared: list[str]  # unit codes (as typed this period) present in both periods
    units_new: list[UnitRecord]  # reported this period only
    units_gone: list[UnitRecord]  # reported last period only
    by_unit: list[LevelCounts]
    by_area: list[LevelCounts]
    total: LevelCounts
    risks: list[RiskChange]
    scores: list[ScoreChange]
    repeated: list[RepeatedDeficiency]
    rectifications: list[Rectification]

    def count(self, kind: str, unit_code: str | None = None) -> int:
        key = code_key(unit_code) if unit_code is not None else None
        return sum(1 for r in self.risks if r.kind == kind and (key is None or code_key(r.unit_code) == key))

    def completion(self, unit_code: str | None = None) -> tuple[int, int, float | None]:
        """(rectified, known, rate in %) of last period's open deficiencies, for one unit or all."""
        key = code_key(unit_code) if unit_code is not None else None
        known = [
            r for r in self.rectifications if r.outcome != "unknown" and (key is None or code_key(r.unit_code) == key)
        ]
        done = sum(1 for r in known if r.outcome == "rectified")
        return done, len(known), (round(100 * done / len(known), 1) if known else None)


def compare(before: PeriodRecord, now: PeriodRecord, area_names: dict[str, str] | None = None) -> YearOverYear:
    """What changed from ``before`` to ``now`` (see the module docstring for every rule)."""
    names = area_names or {}
    units_before, units_now = before.unit_codes(), now.unit_codes()
    common = [k for k in units_now if k in units_before]
    common_set = set(common)
    risks_before = _by_unit(before.risks, common_set)
    risks_now = _by_unit(now.risks, common_set)

    by_unit = [
        LevelCounts(
            units_now[k].code, units_now[k].name, _levels(risks_before.get(k, [])), _levels(risks_now.get(k, []))
        )
        for k in sorted(common, key=lambda k: units_now[k].code)
    ]
    areas = sorted({r.area for rs in (*risks_before.values(), *risks_now.values()) for r in rs})
    by_area = [
        LevelCounts(
            area,
            names.get(area, area),
            _levels(r for rs in risks_before.values() for r in rs if r.area == area),
            _levels(r for rs in risks_now.values() for r in rs if r.area == area),
        )
        for area in areas
    ]
    total = LevelCounts(
        "",
        "",
        _levels(r for rs in risks_before.values() for r in rs),
        _levels(r for rs in risks_now.values() for r in rs),
    )
    changes: list[RiskChange] = []
    for k in sorted(common, key=lambda k: units_now[k].code):
        changes += match_risks(units_now[k].code, risks_before.get(k, []), risks_now.get(k, []))
    scores = [
        ScoreChange(
            units_now[k].code, units_now[k].name, units_before[k].evaluation_score, units_now[k].evaluation_score
        )
        for k in sorted(common, key=lambda k: units_now[k].code)
    ]
    repeated, rectifications = _deficiencies(before, now, common_set)
    return YearOverYear(
        before=before.period,
        now=now.period,
        units_compared=[units_now[k].code for k in sorted(common, key=lambda k: units_now[k].code)],
        units_new=sorted((u for k, u in units_now.items() if k not in units_before), key=lambda u: u.code),
        units_gone=sorted((u for k, u in units_before.items() if k not in units_now), key=lambda u: u.code),
        by_unit=by_unit,
        by_area=by_area,
        total=total,
        risks=changes,
        scores=scores,
        repeated=repeated,
        rectifications=rectifications,
    )


def match_risks(unit_code: str, before: Sequence[RiskRecord], now: Sequence[RiskRecord]) -> list[RiskChange]:
    """One unit's risks of two periods paired (by id, then by description) and classified."""
    out: list[RiskChange] = []
    left = {i: r for i, r in enumerate(before)}
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, r in left.items():
        by_id[code_key(r.risk_id)].append(i)
    unmatched_now: list[RiskRecord] = []
    for risk in now:
        candidates = by_id.get(code_key(risk.risk_id))
        if candidates:
            previous = left.pop(candidates.pop(0))
            out.append(_change(unit_code, previous, risk, "id", None))
        else:
            unmatched_now.append(risk)
    pairs = []
    for j, risk in enumerate(unmatched_now):
        for i, previous in left.items():
            similarity = description_similarity(previous.description, risk.description)
            if similarity >= DESCRIPTION_MATCH:
                pairs.append((-similarity, code_key(risk.risk_id), code_key(previous.risk_id), i, j, similarity))
    taken_before: set[int] = set()
    taken_now: set[int] = set()
    for *_, i, j, similarity in sorted(pairs):
        if i in taken_before or j in taken_now:
            continue
        taken_before.add(i)
        taken_now.add(j)
        out.append(_change(unit_code, left[i], unmatched_now[j], "description", round(similarity, 3)))
    out += [RiskChange(unit_code, "new", None, r) for j, r in enumerate(unmatched_now) if j not in taken_now]
    out += [RiskChange(unit_code, "closed", r, None) for i, r in left.items() if i not in taken_before]
    order = {"escalated": 0, "new": 1, "deescalated": 2, "closed": 3, "unchanged": 4}
    out.sort(key=lambda c: (order[c.kind], code_key((c.now or c.before).risk_id)))  # type: ignore[union-attr]
    return out


def description_similarity(a: str, b: str) -> float:
    """Dice coefficient of the character pairs of two normalised texts (1.0 = the same text)."""
    x, y = _pairs(a), _pairs(b)
    if not x or not y:
        return 0.0
    common = sum(min(x[p], y[p]) for p in x.keys() & y.keys())
    return 2 * common / (sum(x.values()) + sum(y.values()))


def _pairs(text: str) -> dict[str, int]:
    """Character pairs of ``text`` with their counts, after NFKC, case folding and dropping
    spaces and punctuation (a lone character counts as one pair)."""
    clean = "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if unicodedata.category(ch)[0] in "LN")
    if len(clean) == 1:
        return {clean: 1}
    counts: dict[str, int] = defaultdict(int)
    for i in range(len(clean) - 1):
        counts[clean[i : i + 2]] += 1
    return counts


def _change(unit_code: str, before: RiskRecord, now: RiskRecord, how: str, similarity: float | None) -> RiskChange:
    if now.level < before.level:
        kind = "escalated"
    elif now.level > before.level:
        kind = "deescalated"
    else:
        kind = "unchanged"
    return RiskChange(unit_code, kind, before, now, how, similarity)


def _by_unit(risks: Iterable[RiskRecord], keep: set[str]) -> dict[str, list[RiskRecord]]:
    out: dict[str, list[RiskRecord]] = defaultdict(list)
    for risk in risks:
        key = code_key(risk.unit_code)
        if key in keep:
            out[key].append(risk)
    return out


def _levels(risks: Iterable[RiskRecord]) -> tuple[int, int, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for risk in risks:
        counts[risk.level] += 1
    return counts[1], counts[2], counts[3]


def _deficiencies(
    before: PeriodRecord, now: PeriodRecord, common: set[str]
) -> tuple[list[RepeatedDeficiency], list[Rectification]]:
    now_by_item: dict[tuple[str, str], DeficiencyRecord] = {}
    for d in now.deficiencies:
        now_by_item.setdefault((code_key(d.unit_code), code_key(d.item_id)), d)
    repeated: list[RepeatedDeficiency] = []
    rectifications: list[Rectification] = []
    seen: set[tuple[str, str]] = set()
    for d in sorted(before.deficiencies, key=lambda d: (code_key(d.unit_code), code_key(d.item_id))):
        key = (code_key(d.unit_code), code_key(d.item_id))
        current = now_by_item.get(key)
        if key[0] in common and current is not None and key not in seen:
            seen.add(key)
            repeated.append(RepeatedDeficiency(d.unit_code, d.item_id, d, current))
        if not d.open:
            continue
        if key[0] not in common:
            outcome = "unknown"
        elif current is None or not current.open:
            outcome = "rectified"
        else:
            outcome = "open"
        rectifications.append(Rectification(d.unit_code, d, outcome))
    return repeated, rectifications


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(math.fsum(present) / len(present), 2) if present else None
