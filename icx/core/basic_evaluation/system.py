"""The MOF basic-evaluation indicator system as a validated model (``icx/data/basic_evaluation.toml``).

Four levels of detail: two levels (单位层面 60, 业务层面 40) → 12 indicators → 36 sub-items (评价
要点) → criteria, the unit-answerable parts a sub-item's points are split into. The model refuses
a file whose points do not add up at every level, whose ids do not nest, whose bands do not rise
or give more than their criterion's points, or whose derivations name nothing icx can read, so
a control office that edits the file learns at once what it broke.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from icx.bundled import read_toml
from icx.core.errors import IcxError, Problem
from icx.core.methodology import normalize_word

LevelCode = Literal["unit", "business"]
AnswerCode = Literal["yes", "no", "na"]
# What icx can derive a criterion's answer from (icx.core.basic_evaluation.derive).
DERIVATIONS = (
    "evaluation",  # the 自我评价 results of the listed checklist items
    "register_exists",  # a scored 风险清单
    "register_coverage",  # the register's risks cover the listed areas
    "controls_coverage",  # the control matrices have rows for the listed areas
    "controls_rule_exists",  # some control of the area names its governing rule
    "controls_rule_complete",  # every control of the area names its governing rule
    "duty_posts",  # the post → duty table lists posts
    "duty_rules",  # incompatible-duty rules are in force
    "conflicts",  # the conflict check found no conflict of the listed kinds
)
EPSILON = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Model):
    title: str
    url: str = ""  # where a public copy was read
    note: str = ""


class Sourced(_Model):
    confirmed: bool
    sources: tuple[str, ...] = Field(min_length=1)


class Level(Sourced):
    code: LevelCode
    zh: str
    en: str
    points: float = Field(gt=0)
    items: int = Field(gt=0, description="how many sub-items the notice gives this level")


class Indicator(Sourced):
    no: int = Field(ge=1)
    level: LevelCode
    zh: str
    en: str
    points: float = Field(gt=0)

    def label(self, lang: str = "zh") -> str:
        return f"{self.no}. {self.zh if lang == 'zh' else self.en}"


class Item(Sourced):
    id: str
    zh: str
    en: str
    points: float = Field(gt=0)

    @property
    def indicator(self) -> int:
        return int(self.id.split(".")[0])


class Band(_Model):
    """A rate scored by bands: rate ≤ edges[0] → points[0], ≤ edges[1] → points[1] … above → last."""

    edges: tuple[float, ...] = Field(min_length=1)
    points: tuple[float, ...]
    absolute: bool = False  # score |rate| (a variance either way)
    label: str
    label_en: str

    @model_validator(mode="after")
    def _shape(self) -> Band:
        if len(self.points) != len(self.edges) + 1:
            raise ValueError(f"a band needs one more points value than edges ({len(self.edges)} edges)")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:])):
            raise ValueError(f"band edges must rise: {list(self.edges)}")
        if any(b > a for a, b in zip(self.points, self.points[1:])):
            raise ValueError(f"band points must not rise as the rate grows: {list(self.points)}")
        if min(self.points) < 0:
            raise ValueError("band points must not be negative")
        return self

    def score(self, rate: float) -> float:
        """Points for a rate (already rounded and made absolute by the caller)."""
        return self.points[sum(1 for edge in self.edges if edge < rate)]


class Derivation(_Model):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    source: Literal[DERIVATIONS] = Field(alias="from")  # type: ignore[valid-type]
    items: tuple[str, ...] = ()  # checklist ids (evaluation)
    areas: tuple[str, ...] = ()  # area codes (register_coverage, controls_coverage)
    area: str = ""  # one area code (controls_rule_*)
    kinds: tuple[str, ...] = ()  # conflict kinds (conflicts)

    @model_validator(mode="after")
    def _arguments(self) -> Derivation:
        needs = {
            "evaluation": "items",
            "register_coverage": "areas",
            "controls_coverage": "areas",
            "controls_rule_exists": "area",
            "controls_rule_complete": "area",
            "conflicts": "kinds",
        }.get(self.source)
        if needs and not getattr(self, needs):
            raise ValueError(f"a derivation from {self.source!r} needs {needs!r}")
        if self.source == "conflicts" and set(self.kinds) - {"person", "post", "control", "transaction"}:
            raise ValueError(f"unknown conflict kinds {sorted(self.kinds)}")
        return self


class Criterion(Sourced):
    id: str
    zh: str
    en: str
    points: float = Field(gt=0)
    evidence: str = ""  # what document usually proves it
    not_applicable: str = ""  # when it may be answered 不适用 ('' = never)
    band: Band | None = None
    derive: Derivation | None = None

    @cached_property
    def item(self) -> str:
        return self.id.rsplit(".", 1)[0]

    @cached_property
    def indicator(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def banded(self) -> bool:
        return self.band is not None

    @property
    def na_allowed(self) -> bool:
        return bool(self.not_applicable)

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @model_validator(mode="after")
    def _band_fits(self) -> Criterion:
        if self.band is not None:
            if abs(max(self.band.points) - self.points) > EPSILON:
                raise ValueError(f"{self.id}: its band's best points must equal its {self.points:g} points")
            if self.derive is not None:
                raise ValueError(f"{self.id}: a banded criterion is answered by the unit, not derived")
        return self


class Conversion(Sourced):
    digits: int = Field(ge=0, le=6)


class Answers(_Model):
    """Words a unit may write for yes / no / not applicable (the first is the dropdown's)."""

    yes: tuple[str, ...] = Field(min_length=1)
    no: tuple[str, ...] = Field(min_length=1)
    na: tuple[str, ...] = Field(min_length=1)
    labels_en: dict[AnswerCode, str]

    @cached_property
    def index(self) -> dict[str, AnswerCode]:
        out: dict[str, AnswerCode] = {}
        for code in ("yes", "no", "na"):
            for word in [*getattr(self, code), self.labels_en[code]]:
                out.setdefault(normalize_word(word), code)  # type: ignore[arg-type]
        return out

    def code(self, given: Any) -> AnswerCode | None:
        return self.index.get(normalize_word(str(given)))

    def label(self, code: AnswerCode, lang: str = "zh") -> str:
        return getattr(self, code)[0] if lang == "zh" else self.labels_en[code]

    def words(self) -> list[tuple[str, AnswerCode]]:
        """Every accepted word with its code, in file order, without repeats (for the sheet)."""
        seen: set[str] = set()
        out = []
        for code in ("yes", "no", "na"):
            for word in [*getattr(self, code), self.labels_en[code]]:
                key = normalize_word(word)
                if key not in seen:
                    seen.add(key)
                    out.append((word, code))
        return out

    @model_validator(mode="after")
    def _distinct(self) -> Answers:
        codes: dict[str, str] = {}
        for code in ("yes", "no", "na"):
            for word in [*getattr(self, code), self.labels_en[code]]:
                key = normalize_word(word)
                if codes.setdefault(key, code) != code:
                    raise ValueError(f"the answer word {word!r} means both {codes[key]} and {code}")
        return self


class IndicatorSystem(_Model):
    """The whole system; ``validate_file`` checks every sum and every id."""

    name: str
    name_en: str
    basis: str
    total: float = Field(gt=0)
    conversion: Conversion
    sources: dict[str, Source]
    level: tuple[Level, ...] = Field(min_length=1)
    answers: Answers
    indicator: tuple[Indicator, ...] = Field(min_length=1)
    item: tuple[Item, ...] = Field(min_length=1)
    criterion: tuple[Criterion, ...] = Field(min_length=1)

    # --- lookups -----------------------------------------------------------------------------
    @property
    def levels(self) -> tuple[Level, ...]:
        return self.level

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return self.indicator

    @property
    def items(self) -> tuple[Item, ...]:
        return self.item

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return self.criterion

    @cached_property
    def by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criterion}

    @cached_property
    def items_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.item}

    @cached_property
    def indicators_by_no(self) -> dict[int, Indicator]:
        return {i.no: i for i in self.indicator}

    def level_of(self, criterion: Criterion) -> LevelCode:
        return self.levels_by_criterion[criterion.id]

    @cached_property
    def levels_by_criterion(self) -> dict[str, LevelCode]:
        return {c.id: self.indicators_by_no[c.indicator].level for c in self.criterion}

    def criteria_of(self, indicator: int) -> Iterator[Criterion]:
        return (c for c in self.criterion if c.indicator == indicator)

    def level_named(self, code: str) -> Level:
        return next(lv for lv in self.level if lv.code == code)

    # --- validation ----------------------------------------------------------------------------
    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSystem:
        errors: list[str] = []
        known = set(self.sources)
        for entry in (*self.level, *self.indicator, *self.item, *self.criterion, self.conversion):
            for key in entry.sources:
                if key not in known:
                    errors.append(f"{_name(entry)}: unknown source {key!r}")
        _unique(errors, "level", [lv.code for lv in self.level])
        _unique(errors, "indicator", [i.no for i in self.indicator])
        _unique(errors, "item", [i.id for i in self.item])
        _unique(errors, "criterion", [c.id for c in self.criterion])
        levels = {lv.code: lv for lv in self.level}
        indicators = {i.no: i for i in self.indicator}
        items = {i.id: i for i in self.item}
        _add_up(errors, f"the levels ({', '.join(levels)})", self.total, [lv.points for lv in self.level])
        for code, lv in levels.items():
            mine = [i for i in self.indicator if i.level == code]
            _add_up(errors, f"level {code}", lv.points, [i.points for i in mine])
            count = sum(1 for it in self.item if it.indicator in {i.no for i in mine})
            if count != lv.items:
                errors.append(f"level {code} declares {lv.items} sub-items but has {count}")
        for ind in self.indicator:
            if ind.level not in levels:
                errors.append(f"indicator {ind.no}: unknown level {ind.level!r}")
            _add_up(errors, f"indicator {ind.no}", ind.points, [i.points for i in self.item if i.indicator == ind.no])
        for it in self.item:
            if it.indicator not in indicators or it.id.count(".") != 1:
                errors.append(f"item {it.id}: its id must be <indicator>.<n> of a listed indicator")
            _add_up(errors, f"item {it.id}", it.points, [c.points for c in self.criterion if c.item == it.id])
        for c in self.criterion:
            if c.item not in items or c.id.count(".") != 2:
                errors.append(f"criterion {c.id}: its id must be <item>.<n> of a listed item")
        if errors:
            raise ValueError("; ".join(errors))
        return self


def _name(entry: Any) -> str:
    for attr in ("id", "no", "code"):
        if hasattr(entry, attr):
            return f"{type(entry).__name__.lower()} {getattr(entry, attr)}"
    return type(entry).__name__.lower()


def _unique(errors: list[str], what: str, keys: list[Any]) -> None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            errors.append(f"{what} {key} is listed twice")
        seen.add(key)


def _add_up(errors: list[str], what: str, expected: float, parts: list[float]) -> None:
    if not parts:
        errors.append(f"{what} has no parts")
    elif abs(sum(parts) - expected) > EPSILON:
        errors.append(f"{what}: its parts add up to {sum(parts):g}, not {expected:g}")


# --- loading ----------------------------------------------------------------------------------
def system_from_mapping(data: dict[str, Any], file: str | None = None) -> IndicatorSystem:
    """A validated system; a broken one raises ``IcxError`` with every error in one problem."""
    try:
        return IndicatorSystem.model_validate(data)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise IcxError(Problem.of("basic_evaluation_system_invalid", params={"detail": detail}, file=file)) from None


@cache
def default_system() -> IndicatorSystem:
    """The built-in system (``icx/data/basic_evaluation.toml``)."""
    return system_from_mapping(read_toml("basic_evaluation.toml"), "basic_evaluation.toml")


def load_system(path: str | Path | None = None) -> IndicatorSystem:
    """The system in ``path`` (a corrected copy of the built-in file), or the built-in one."""
    if path is None:
        return default_system()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IcxError(
            Problem.of("basic_evaluation_system_invalid", params={"detail": str(exc)}, file=str(path))
        ) from None
    return system_from_mapping(data, str(path))
