"""The annual internal-control report's figures for one unit, and their 汇总 across units.

Pure. The report's tables are data (``icx/data/annual_report.toml``): cover fields, the
unit-level items in three groups, and per business area its separation pairs, whether it has
rules and whether its processes are defined. ``unit_figures`` answers each from a unit's
``ReportInputs`` (gathered by ``icx.io.annual_report``), every answer with the cells it came
from; what icx cannot know is a ``to_fill`` figure with a note saying what to put there.

How the business level is answered (icx's reading, kept cautious):

- a pair is 未分离 when the conflict check found a conflict under one of its duty rules (the
  cells named), 已分离 when posts carry each of its two duties, people are assigned to posts
  and no conflict was found (the post cells named), 不适用 when the area is 不适用 for the unit,
  and left to fill otherwise (no rule answers it, or the duties are not assigned to posts);
- rules: the basic-evaluation criteria listed for the area, all 是 → 是, any 否 → 否;
- processes: control-matrix rows for the area → 是 (the rows named); none → left to fill.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from icx import i18n
from icx.bundled import read_toml
from icx.core.basic_evaluation.derive import AreaControls, RegisterFacts

Status = Literal["known", "to_fill", "not_applicable"]
BUSINESS = "business"
SHOW_CELLS = 6


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Model):
    title: str
    url: str = ""
    note: str = ""


class Section(_Model):
    key: str
    zh: str
    en: str
    level: str = ""


class FieldSource(_Model):
    source: Literal[
        "unit_info", "criterion", "register_unit", "register_areas", "register_exists", "evaluation_done", "fill"
    ]
    key: str = ""
    id: str = ""


class ReportField(_Model):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    key: str
    section: str
    zh: str
    en: str
    kind: Literal["text", "yes_no", "count"] = "text"
    hint: str = ""
    origin: FieldSource = Field(alias="from")
    confirmed: bool
    sources: tuple[str, ...] = Field(min_length=1)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class Pair(_Model):
    zh: str
    en: str
    rules: tuple[str, ...] = ()
    confirmed: bool


class Area(_Model):
    code: str
    zh: str
    en: str
    rules_criteria: tuple[str, ...] = Field(min_length=1)
    not_applicable_if: tuple[str, ...] = ()
    pairs: tuple[Pair, ...] = Field(min_length=1)


class ReportSpec(_Model):
    name: str
    name_en: str
    basis: str
    sources: dict[str, Source]
    section: tuple[Section, ...]
    field: tuple[ReportField, ...]
    area: tuple[Area, ...]

    def criteria(self) -> set[str]:
        """Every basic-evaluation criterion the report reads."""
        out = {f.origin.id for f in self.field if f.origin.source == "criterion"}
        for area in self.area:
            out |= set(area.rules_criteria) | set(area.not_applicable_if)
        return out

    def fields_of(self, section: str) -> list[ReportField]:
        return [f for f in self.field if f.section == section]


@cache
def default_spec() -> ReportSpec:
    return ReportSpec.model_validate(read_toml("annual_report.toml"))


def load_spec(path: str | Path | None = None) -> ReportSpec:
    if path is None:
        return default_spec()
    return ReportSpec.model_validate(tomllib.loads(Path(path).read_text(encoding="utf-8")))


# --- inputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerFact:
    """The answer a basic-evaluation criterion was scored with, and where it is."""

    code: str | None  # 'yes', 'no', 'na'; None when unanswered or unreadable
    cell: str  # '基础性评价!I7' (the unit's answer) or '基础性评价!G7' (icx's derived answer)
    source: str  # 'unit', 'derived', ''


@dataclass(frozen=True)
class PairFacts:
    """What the duty check knows about one duty rule."""

    known: bool  # the rule is in the library and switched on
    conflicts: int
    conflict_cells: tuple[str, ...]
    posts_a: tuple[str, ...]  # cells of the posts carrying duty A
    posts_b: tuple[str, ...]
    people_assigned: bool  # the person → post table has rows


@dataclass
class ReportInputs:
    unit: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit_info key → (value, 'sheet!cell')
    answers: dict[str, AnswerFact] = field(default_factory=dict)
    register: RegisterFacts | None = None
    evaluated: tuple[int, str] | None = None  # (items evaluated, the result cells) of the 自我评价 sheet
    pairs: dict[str, PairFacts] = field(default_factory=dict)  # by duty-rule id
    controls: dict[str, AreaControls] | None = None
    area_names: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One figure of the report for one unit."""

    table: str  # 'cover', 'unit' or 'business'
    group: str  # section key, or the area code
    key: str
    label_zh: str
    label_en: str
    kind: str  # 'text', 'count', 'yes_no', 'pair'
    value: Any  # text, number, or a code: yes/no/na, separated/not_separated/na
    status: Status
    source: str  # the cells it came from ('' when to fill)
    note_zh: str = ""
    note_en: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def note(self, lang: str = "zh") -> str:
        return self.note_zh if lang == "zh" else self.note_en


def _note(key: str, **values: Any) -> tuple[str, str]:
    return i18n.both(f"annual_note_{key}", **values)


def _cells(cells: tuple[str, ...] | list[str]) -> str:
    shown = "；".join(cells[:SHOW_CELLS])
    return shown + ("…" if len(cells) > SHOW_CELLS else "")


# --- one unit -------------------------------------------------------------------------------------
def unit_figures(spec: ReportSpec, inputs: ReportInputs) -> list[Figure]:
    """Every figure of the report for one unit, in the report's order."""
    out = []
    levels = {s.key: ("cover" if s.key == "cover" else "unit") for s in spec.section}
    for f in spec.field:
        out.append(_field(f, levels.get(f.section, "unit"), inputs))
    for area in spec.area:
        out.extend(_area(area, inputs))
    return out


def _to_fill(table: str, group: str, f: ReportField, reason: str = "fill", **values: Any) -> Figure:
    zh, en = _note(reason, hint=f.hint, **values)
    if f.hint and reason == "fill":
        zh, en = f"{zh}：{f.hint}", f"{en}: {f.hint}"
    return Figure(table, group, f.key, f.zh, f.en, f.kind, None, "to_fill", "", zh, en)


def _field(f: ReportField, table: str, inputs: ReportInputs) -> Figure:
    o = f.origin
    known = lambda value, source, note=("", ""): Figure(  # noqa: E731
        table, f.section, f.key, f.zh, f.en, f.kind, value, "known", source, note[0], note[1]
    )
    match o.source:
        case "fill":
            return _to_fill(table, f.section, f)
        case "unit_info":
            value, cell = inputs.unit.get(o.key, ("", ""))
            return known(value, cell) if value else _to_fill(table, f.section, f, "unit_info_blank", cell=cell or "—")
        case "criterion":
            fact = inputs.answers.get(o.id)
            if fact is None or fact.code is None:
                return _to_fill(table, f.section, f, "criterion_blank", id=o.id)
            how = _note("from_criterion" if fact.source == "unit" else "from_derived", id=o.id)
            status: Status = "not_applicable" if fact.code == "na" else "known"
            return Figure(table, f.section, f.key, f.zh, f.en, f.kind, fact.code, status, fact.cell, *how)
        case "register_exists":
            r = inputs.register
            if r is None:
                return _to_fill(table, f.section, f, "no_register")
            return known("yes" if r.scored else "no", r.area_ref, _note("register_count", count=r.scored))
        case "register_unit":
            r = inputs.register
            if r is None:
                return _to_fill(table, f.section, f, "no_register")
            count = r.areas.get("unit", 0)
            return known("yes" if count else "no", r.area_ref, _note("register_unit", count=count))
        case "register_areas":
            r = inputs.register
            if r is None:
                return _to_fill(table, f.section, f, "no_register")
            codes = [c for c in inputs.area_names if c != "unit"]
            covered = [c for c in codes if r.areas.get(c)]
            text = "、".join(inputs.area_names[c][0] for c in covered) or "无"
            value = f"{text}（{len(covered)}/{len(codes)}）"
            return known(value, r.area_ref, _note("register_areas", count=len(covered), total=len(codes)))
        case "evaluation_done":
            if inputs.evaluated is None:
                return _to_fill(table, f.section, f, "no_evaluation")
            count, cells = inputs.evaluated
            return known("yes" if count else "no", cells, _note("evaluated", count=count))
    raise AssertionError(o.source)


def _area(area: Area, inputs: ReportInputs) -> list[Figure]:
    out = []
    na = bool(area.not_applicable_if) and all(
        (fact := inputs.answers.get(cid)) is not None and fact.code == "na" for cid in area.not_applicable_if
    )
    na_cells = "；".join(inputs.answers[cid].cell for cid in area.not_applicable_if) if na else ""
    for n, pair in enumerate(area.pairs, start=1):
        key = f"{area.code}:pair{n}"
        if na:
            zh, en = _note("area_not_applicable", area=area.zh)
            out.append(
                Figure(BUSINESS, area.code, key, pair.zh, pair.en, "pair", "na", "not_applicable", na_cells, zh, en)
            )
            continue
        out.append(_pair(area, pair, key, inputs))
    out.append(_rules(area, inputs, na, na_cells))
    out.append(_process(area, inputs, na, na_cells))
    return out


def _pair(area: Area, pair: Pair, key: str, inputs: ReportInputs) -> Figure:
    def fill(reason: str) -> Figure:
        zh, en = _note(reason, rules="、".join(pair.rules) or "—")
        return Figure(BUSINESS, area.code, key, pair.zh, pair.en, "pair", None, "to_fill", "", zh, en)

    if not pair.rules:
        return fill("pair_no_rule")
    facts = [inputs.pairs.get(rule) for rule in pair.rules]
    if any(f is None or not f.known for f in facts):
        return fill("pair_rule_off")
    found = [f for f in facts if f is not None and f.conflicts]
    if found:
        cells = tuple(c for f in found for c in f.conflict_cells)
        zh, en = _note("pair_conflicts", count=sum(f.conflicts for f in found), rules="、".join(pair.rules))
        return Figure(
            BUSINESS, area.code, key, pair.zh, pair.en, "pair", "not_separated", "known", _cells(cells), zh, en
        )
    if all(f is not None and f.posts_a and f.posts_b and f.people_assigned for f in facts):
        cells = tuple(dict.fromkeys(c for f in facts if f is not None for c in (*f.posts_a, *f.posts_b)))
        zh, en = _note("pair_separated", rules="、".join(pair.rules))
        return Figure(BUSINESS, area.code, key, pair.zh, pair.en, "pair", "separated", "known", _cells(cells), zh, en)
    return fill("pair_unassigned")


def _rules(area: Area, inputs: ReportInputs, na: bool, na_cells: str) -> Figure:
    key, zh_label, en_label = (
        f"{area.code}:rules",
        i18n.label("annual_area_rules", "zh"),
        i18n.label("annual_area_rules", "en"),
    )
    if na:
        zh, en = _note("area_not_applicable", area=area.zh)
        return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", "na", "not_applicable", na_cells, zh, en)
    facts = [inputs.answers.get(cid) for cid in area.rules_criteria]
    if any(f is None or f.code is None for f in facts):
        zh, en = _note("criterion_blank", id="、".join(area.rules_criteria))
        return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", None, "to_fill", "", zh, en)
    codes = {f.code for f in facts if f is not None}
    value = "no" if "no" in codes else "na" if codes == {"na"} else "yes"
    cells = "；".join(f.cell for f in facts if f is not None)
    zh, en = _note("from_criteria", id="、".join(area.rules_criteria))
    status: Status = "not_applicable" if value == "na" else "known"
    return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", value, status, cells, zh, en)


def _process(area: Area, inputs: ReportInputs, na: bool, na_cells: str) -> Figure:
    key, zh_label, en_label = (
        f"{area.code}:process",
        i18n.label("annual_area_process", "zh"),
        i18n.label("annual_area_process", "en"),
    )
    if na:
        zh, en = _note("area_not_applicable", area=area.zh)
        return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", "na", "not_applicable", na_cells, zh, en)
    controls = (inputs.controls or {}).get(area.code)
    if controls is None or not controls.rows:
        zh, en = _note("no_controls", area=area.zh)
        return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", None, "to_fill", "", zh, en)
    zh, en = _note("controls", count=controls.rows)
    ref = controls.rule_ref if "!" in controls.rule_ref else controls.sheet
    return Figure(BUSINESS, area.code, key, zh_label, en_label, "yes_no", "yes", "known", ref, zh, en)


# --- 汇总 -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Total:
    """One figure summed up over units: how many answered each way, or the sum of the counts."""

    units: int  # units reporting
    known: int  # of which with a value
    to_fill: int
    yes: int = 0  # 是 / 已分离
    no: int = 0  # 否 / 未分离
    not_applicable: int = 0
    total: float | None = None  # sum of a count field over the units that gave it

    def text(self, kind: str, lang: str = "zh") -> str:
        """How the 汇总 column shows it: the count of each answer (yes/no, separated/not), or the
        sum of a count, or how many units gave a text; with what is 不适用 or still to fill."""
        say = lambda key, **v: i18n.label(f"annual_total_{key}", lang).format(**v)  # type: ignore[arg-type]  # noqa: E731
        if kind in ("yes_no", "pair"):
            text = say("pair" if kind == "pair" else "yes_no", yes=self.yes, no=self.no)
            if self.not_applicable:
                text += say("na", n=self.not_applicable)
        elif kind == "count" and self.total is not None:
            text = f"{self.total:g}"
        else:
            text = say("filled", known=self.known, units=self.units)
        if self.to_fill and (kind in ("yes_no", "pair") or self.total is not None):
            text += say("to_fill", n=self.to_fill)
        return text


def totals(per_unit: list[list[Figure]]) -> dict[tuple[str, str], Total]:
    """(group, key) → Total over the units (each unit's figures in the same order)."""
    out: dict[tuple[str, str], Total] = {}
    if not per_unit:
        return out
    for column in zip(*per_unit):
        first = column[0]
        known = [f for f in column if f.status != "to_fill"]
        yes = sum(1 for f in known if f.value in ("yes", "separated"))
        no = sum(1 for f in known if f.value in ("no", "not_separated"))
        na = sum(1 for f in known if f.value == "na")
        total = None
        if first.kind == "count":
            numbers = [f.value for f in known if isinstance(f.value, (int, float))]
            total = float(sum(numbers)) if numbers else None
        out[(first.group, first.key)] = Total(len(column), len(known), len(column) - len(known), yes, no, na, total)
    return out
