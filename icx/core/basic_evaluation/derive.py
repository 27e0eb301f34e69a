"""Answers icx can give itself, from what the unit workbook already holds.

Pure: the readers (``icx.io.basic_evaluation_sheet``) gather ``WorkbookFacts`` — the scored
register, the control matrices per area, the duty tables, the conflict check's findings by kind
and the self-evaluation results — and ``derive`` turns them into one ``Derived`` per criterion
that names a derivation (``derive = {...}`` in the indicator file): an answer (是 / 否 / 不适用)
or none when the facts do not settle it, always with the evidence named, cells included.

Rules, kept deliberately cautious (a derived 是 must be earned by the workbook):

- evaluation: every listed checklist item 符合 → 是; any 不符合 → 否; any 基本符合 (and none
  不符合) → no answer, the unit judges; all 不适用 → 不适用 where the criterion allows it; an
  item missing from the sheet or not evaluated → no answer.
- register_exists: a 风险清单 with scored risks → 是, with none → 否; no register → no answer.
- register_coverage / controls_coverage: every listed area has a scored risk / a control row
  → 是, else 否 naming the areas missing.
- controls_rule_exists: some control of the area names its rule (依据制度) → 是, controls but
  none naming a rule → 否; no control of the area → no answer.
- controls_rule_complete: every control of the area names its rule → 是, else 否 naming them.
- duty_posts / duty_rules: posts listed / rules in force → 是 (none → 否); no duties sheet → none.
- conflicts: the check looked at that kind of input and found no conflict → 是, found some →
  否 with their cells; nothing of that kind to look at → no answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from icx import i18n
from icx.core.basic_evaluation.system import AnswerCode, Criterion, Derivation, IndicatorSystem

SHOW_SOURCES = 5  # cells named in one evidence text; the conflict list has them all


@dataclass(frozen=True)
class RegisterFacts:
    sheet: str
    scored: int  # risks that got a score
    areas: dict[str, int]  # area code → scored risks
    area_ref: str  # the cells of the area column ('风险清单!B5:B40')


@dataclass(frozen=True)
class AreaControls:
    sheet: str
    rows: int  # control rows
    with_rule: int  # of which name their governing rule
    missing_rule: tuple[str, ...]  # control ids without a rule
    rule_ref: str  # the cells of the rule column


@dataclass(frozen=True)
class DutyFacts:
    sheet: str
    posts: int  # posts listed with their duties
    posts_ref: str
    active_rules: int  # incompatible-duty rules in force (built-in and the unit's own)


@dataclass(frozen=True)
class ConflictFacts:
    checked: bool  # the workbook held something of this kind to check
    count: int
    sources: tuple[str, ...] = ()  # cells of the conflicts found


@dataclass(frozen=True)
class EvaluationFact:
    result: str  # 'full', 'partial', 'none', 'na'
    cell: str  # where the result is ('自我评价!H5')


@dataclass
class WorkbookFacts:
    """What the derivations read; None where the workbook has no such sheet."""

    register: RegisterFacts | None = None
    controls: dict[str, AreaControls] | None = None  # area code → its controls (None: no matrix sheet)
    duties: DutyFacts | None = None
    conflicts: dict[str, ConflictFacts] | None = None  # kind → findings (None: the check did not run)
    evaluation: dict[str, EvaluationFact] | None = None  # checklist id → result (None: no 自我评价)
    area_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # area code → (zh, en)


@dataclass(frozen=True)
class Derived:
    """icx's answer to one criterion (None when the workbook does not settle it) and why."""

    answer: AnswerCode | None
    evidence_zh: str
    evidence_en: str

    def evidence(self, lang: i18n.Lang = "zh") -> str:
        return self.evidence_zh if lang == "zh" else self.evidence_en


def derive(system: IndicatorSystem, facts: WorkbookFacts) -> dict[str, Derived]:
    """One ``Derived`` per criterion that names a derivation, by criterion id."""
    return {c.id: _derive(c, c.derive, facts) for c in system.criteria if c.derive is not None}


def _say(answer: AnswerCode | None, key: str, **values: object) -> Derived:
    zh, en = i18n.both(f"basic_evaluation_derived_{key}", **values)
    return Derived(answer, zh, en)


def _areas(facts: WorkbookFacts, codes: list[str] | tuple[str, ...]) -> tuple[str, str]:
    names = [facts.area_names.get(c, (c, c)) for c in codes]
    return "、".join(n[0] for n in names), ", ".join(n[1] for n in names)


def _cells(sources: tuple[str, ...]) -> str:
    shown = "；".join(sources[:SHOW_SOURCES])
    return shown + ("…" if len(sources) > SHOW_SOURCES else "")


def _derive(c: Criterion, d: Derivation, facts: WorkbookFacts) -> Derived:
    match d.source:
        case "evaluation":
            return _from_evaluation(c, d, facts)
        case "register_exists":
            r = facts.register
            if r is None:
                return _say(None, "no_register")
            return _say("yes" if r.scored else "no", "register", sheet=r.sheet, count=r.scored)
        case "register_coverage":
            r = facts.register
            if r is None:
                return _say(None, "no_register")
            missing = [a for a in d.areas if not r.areas.get(a)]
            if not missing:
                return _say("yes", "register_covers", cells=r.area_ref, count=len(d.areas))
            zh, en = _areas(facts, missing)
            return _say("no", "register_misses", cells=r.area_ref, areas=zh, areas_en=en)
        case "controls_coverage":
            if facts.controls is None:
                return _say(None, "no_controls")
            missing = [a for a in d.areas if not (facts.controls.get(a) and facts.controls[a].rows)]
            if not missing:
                rows = sum(facts.controls[a].rows for a in d.areas)
                return _say("yes", "controls_cover", count=len(d.areas), rows=rows)
            zh, en = _areas(facts, missing)
            return _say("no", "controls_miss", areas=zh, areas_en=en)
        case "controls_rule_exists" | "controls_rule_complete":
            return _from_rules(d, facts)
        case "duty_posts":
            if facts.duties is None:
                return _say(None, "no_duties")
            f = facts.duties
            return _say("yes" if f.posts else "no", "duty_posts", cells=f.posts_ref, count=f.posts)
        case "duty_rules":
            if facts.duties is None:
                return _say(None, "no_duties")
            f = facts.duties
            return _say("yes" if f.active_rules else "no", "duty_rules", sheet=f.sheet, count=f.active_rules)
        case "conflicts":
            return _from_conflicts(d, facts)
    raise AssertionError(d.source)  # the model admits no other source


def _from_evaluation(c: Criterion, d: Derivation, facts: WorkbookFacts) -> Derived:
    if facts.evaluation is None:
        return _say(None, "no_evaluation")
    found = [(item, facts.evaluation.get(item)) for item in d.items]
    missing = [item for item, fact in found if fact is None]
    if missing:
        return _say(None, "evaluation_missing", items="、".join(missing))
    cells = "；".join(f"{item} {fact.cell}" for item, fact in found if fact is not None)
    results = {fact.result for _, fact in found if fact is not None}
    failed = [item for item, fact in found if fact is not None and fact.result == "none"]
    if failed:
        return _say("no", "evaluation_failed", items="、".join(failed), cells=cells)
    if "partial" in results:
        partial = [item for item, fact in found if fact is not None and fact.result == "partial"]
        return _say(None, "evaluation_partial", items="、".join(partial), cells=cells)
    if results == {"na"}:
        if c.na_allowed:
            return _say("na", "evaluation_na", cells=cells)
        return _say(None, "evaluation_na_not_allowed", cells=cells)
    return _say("yes", "evaluation_passed", cells=cells)


def _from_rules(d: Derivation, facts: WorkbookFacts) -> Derived:
    if facts.controls is None:
        return _say(None, "no_controls")
    area = facts.controls.get(d.area)
    zh, en = _areas(facts, [d.area])
    if area is None or not area.rows:
        return _say(None, "no_area_controls", area=zh, area_en=en)
    if d.source == "controls_rule_exists":
        if area.with_rule:
            return _say("yes", "rule_named", area=zh, area_en=en, cells=area.rule_ref, count=area.with_rule)
        return _say("no", "rule_none", area=zh, area_en=en, cells=area.rule_ref, rows=area.rows)
    if not area.missing_rule:
        return _say("yes", "rule_all", area=zh, area_en=en, cells=area.rule_ref, rows=area.rows)
    return _say(
        "no",
        "rule_missing",
        area=zh,
        area_en=en,
        cells=area.rule_ref,
        count=len(area.missing_rule),
        ids=_cells(area.missing_rule),
    )


def _from_conflicts(d: Derivation, facts: WorkbookFacts) -> Derived:
    if facts.conflicts is None:
        return _say(None, "no_conflict_check")
    kinds = [facts.conflicts.get(k, ConflictFacts(False, 0)) for k in d.kinds]
    labels_zh = "、".join(i18n.label(f"conflicts_kind_{k}", "zh") for k in d.kinds)
    labels_en = ", ".join(i18n.label(f"conflicts_kind_{k}", "en") for k in d.kinds)
    if not any(k.checked for k in kinds):
        return _say(None, "conflicts_nothing", kinds=labels_zh, kinds_en=labels_en)
    count = sum(k.count for k in kinds)
    if count:
        sources = tuple(s for k in kinds for s in k.sources)
        return _say("no", "conflicts_found", kinds=labels_zh, kinds_en=labels_en, count=count, cells=_cells(sources))
    return _say("yes", "conflicts_none", kinds=labels_zh, kinds_en=labels_en)
