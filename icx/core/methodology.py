"""The risk methodology as data: scales, band edges, the 5×5 level matrix, responses, areas.

Defaults live in ``icx/data/methodology.toml`` (the seeds' tables 1–3). A unit overrides them
with its own TOML file or its workbook's 参数设置 sheet; both produce a ``Methodology`` that is
validated here, so a broken matrix is rejected before it grades anything.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from icx.bundled import read_toml
from icx.core.errors import InvalidMethodology, Problem

SCALE = (1, 2, 3, 4, 5)
LEVELS = (1, 2, 3)


@lru_cache(maxsize=65536)
def normalize_word(text: str) -> str:
    """Canonical form of a wording for lookup: NFKC, no spaces, lower case (cached: unit sheets
    repeat the same few hundred wordings)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScaleLevel(_Model):
    """One step (1–5) of the likelihood or impact scale."""

    score: int = Field(ge=1, le=5)
    name_zh: str
    name_en: str
    coarse_zh: str = ""
    description_zh: str = ""
    description_en: str = ""
    frequency_zh: str = ""
    frequency_en: str = ""
    reputation_zh: str = ""
    reputation_en: str = ""
    operations_zh: str = ""
    operations_en: str = ""
    aliases: tuple[str, ...] = ()

    def wordings(self) -> list[str]:
        """Every text that means this score (names, dimension wordings, aliases)."""
        words = [
            self.name_zh,
            self.name_en,
            self.description_zh,
            self.description_en,
            self.reputation_zh,
            self.reputation_en,
            self.operations_zh,
            self.operations_en,
            *self.aliases,
        ]
        return [w for w in words if w]


class CoarseWording(_Model):
    """A coarse wording of the manual's text (不太可能 / 可能 / 很可能…) covering several scores."""

    name_zh: str
    name_en: str
    scores: tuple[int, ...]
    score: int = Field(ge=1, le=5, description="score taken when only this wording is given")

    @model_validator(mode="after")
    def _score_inside(self) -> CoarseWording:
        if self.score not in self.scores:
            raise ValueError(f"score {self.score} is not one of the covered scores {self.scores}")
        return self


def _check_levels(levels: tuple[ScaleLevel, ...]) -> tuple[ScaleLevel, ...]:
    if tuple(level.score for level in levels) != SCALE:
        raise ValueError("levels must be exactly the scores 1, 2, 3, 4, 5 in order")
    return levels


def _check_edges(edges: tuple[float, ...], low: float, high: float | None) -> tuple[float, ...]:
    if len(edges) != 4:
        raise ValueError(f"needs 4 edges (lower bounds of scores 2–5), got {len(edges)}")
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"edges must increase strictly, got {list(edges)}")
    if edges[0] <= low or (high is not None and edges[-1] >= high):
        bound = f"({low}, {high})" if high is not None else f"above {low}"
        raise ValueError(f"edges must lie {bound}, got {list(edges)}")
    return edges


class LikelihoodScale(_Model):
    probability_edges: tuple[float, ...]
    levels: tuple[ScaleLevel, ...]
    coarse: tuple[CoarseWording, ...] = ()

    _levels = field_validator("levels")(_check_levels)

    @field_validator("probability_edges")
    @classmethod
    def _edges(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return _check_edges(v, 0.0, 1.0)


class ImpactScale(_Model):
    money_edges: tuple[float, ...]
    levels: tuple[ScaleLevel, ...]
    coarse: tuple[CoarseWording, ...] = ()

    _levels = field_validator("levels")(_check_levels)

    @field_validator("money_edges")
    @classmethod
    def _edges(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return _check_edges(v, 0.0, None)


class LevelMatrix(_Model):
    """Risk level by (likelihood band, impact band); levels[L-1][I-1], 1 = most severe."""

    levels: tuple[tuple[int, ...], ...]

    @field_validator("levels")
    @classmethod
    def _shape_and_order(cls, rows: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
        if len(rows) != 5 or any(len(r) != 5 for r in rows):
            shape = f"{len(rows)}×{'/'.join(str(len(r)) for r in rows)}"
            raise ValueError(f"the level matrix must be 5×5, got {shape}")
        for li, row in enumerate(rows, start=1):
            for ii, level in enumerate(row, start=1):
                if level not in LEVELS:
                    raise ValueError(f"level at likelihood {li}, impact {ii} must be 1, 2 or 3, got {level}")
        for li in range(5):
            for ii in range(5):
                here = rows[li][ii]
                if ii < 4 and rows[li][ii + 1] > here:
                    raise ValueError(
                        f"higher impact must not give a less severe level: likelihood {li + 1}, "
                        f"impact {ii + 1}→{ii + 2} goes from {here} to {rows[li][ii + 1]}"
                    )
                if li < 4 and rows[li + 1][ii] > here:
                    raise ValueError(
                        f"higher likelihood must not give a less severe level: impact {ii + 1}, "
                        f"likelihood {li + 1}→{li + 2} goes from {here} to {rows[li + 1][ii]}"
                    )
        return rows

    def level(self, likelihood_band: int, impact_band: int) -> int:
        return self.levels[likelihood_band - 1][impact_band - 1]


class RiskLevel(_Model):
    level: int = Field(ge=1, le=3)
    name_zh: str
    name_en: str
    meaning_zh: str = ""
    meaning_en: str = ""
    color: str = Field(pattern=r"^[0-9A-Fa-f]{6}$")


class Coded(_Model):
    """An entry of a list with a stable code and its Chinese/English names."""

    code: str
    name_zh: str
    name_en: str
    short_zh: str = ""
    short_en: str = ""  # fits a sheet name: "Control matrix-" + short_en stays within 31 characters

    def names(self) -> list[str]:
        return [n for n in (self.code, self.name_zh, self.name_en, self.short_zh, self.short_en) if n]


class PostKind(_Model):
    """A kind of key post with its own rotation period (出纳, procurement…). A post is of this kind
    when one of its duties, read through the duty vocabulary, is in ``duties``, or its name
    contains one of ``post_words``."""

    code: str = Field(min_length=1)
    name_zh: str
    name_en: str
    years: float = Field(gt=0, le=50)
    duties: tuple[str, ...] = ()
    post_words: tuple[str, ...] = ()


class PostLimit(_Model):
    """A rotation period for one post, by its name."""

    post: str = Field(min_length=1)
    years: float = Field(gt=0, le=50)


class RotationRules(_Model):
    """Key posts (内部控制规范 第十四条) and how long one person may hold one (轮岗期限)."""

    years: float = Field(default=5, gt=0, le=50, description="the period of a key post of no kind below")
    kinds: tuple[PostKind, ...] = ()
    posts: tuple[PostLimit, ...] = ()
    key_areas: tuple[str, ...] = ()
    supervision_duties: tuple[str, ...] = ()

    @field_validator("kinds")
    @classmethod
    def _codes_unique(cls, v: tuple[PostKind, ...]) -> tuple[PostKind, ...]:
        codes = [k.code for k in v]
        if len(set(codes)) != len(codes):
            raise ValueError(f"post kind codes must be unique, got {codes}")
        return v


class AuthorityRules(_Model):
    """Tiered approval limits (分级授权): the window in which payments to one payee are added up."""

    split_window_days: int = Field(default=30, ge=1, le=366)
    split_min_share: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="a payment counts towards a split only from this share of the limit"
    )


class TreatmentRules(_Model):
    """Which risks need a treatment plan (风险应对) and which the committee signs off (委员会审定)."""

    plan_levels: tuple[int, ...] = (1, 2)
    sign_off_levels: tuple[int, ...] = (1,)
    sign_off_responses: tuple[str, ...] = ("accept",)

    @field_validator("plan_levels", "sign_off_levels")
    @classmethod
    def _known_levels(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(level not in LEVELS for level in v):
            raise ValueError(f"levels must be among {LEVELS}, got {list(v)}")
        return v


class Methodology(_Model):
    """A complete, validated risk methodology."""

    name: str = "custom"
    version: str = ""
    likelihood: LikelihoodScale
    impact: ImpactScale
    matrix: LevelMatrix
    risk_levels: tuple[RiskLevel, ...]
    responses: tuple[Coded, ...]
    areas: tuple[Coded, ...]
    categories: tuple[Coded, ...]
    rotation: RotationRules = RotationRules()
    authority: AuthorityRules = AuthorityRules()
    treatment: TreatmentRules = TreatmentRules()

    @field_validator("risk_levels")
    @classmethod
    def _three_levels(cls, v: tuple[RiskLevel, ...]) -> tuple[RiskLevel, ...]:
        if tuple(r.level for r in v) != LEVELS:
            raise ValueError("risk_levels must be exactly levels 1, 2, 3 in order")
        return v

    @model_validator(mode="after")
    def _wordings_unambiguous(self) -> Methodology:
        for scale_name in ("likelihood", "impact"):
            _wording_table(getattr(self, scale_name), scale_name)
        return self

    @model_validator(mode="after")
    def _codes_known(self) -> Methodology:
        areas = {a.code for a in self.areas}
        unknown = [code for code in self.rotation.key_areas if code not in areas]
        if unknown:
            raise ValueError(f"rotation.key_areas: unknown area codes {unknown} (areas are {sorted(areas)})")
        responses = {r.code for r in self.responses}
        unknown = [code for code in self.treatment.sign_off_responses if code not in responses]
        if unknown:
            raise ValueError(f"treatment.sign_off_responses: unknown response codes {unknown}")
        return self

    # Lookup tables derived once per (frozen) methodology.
    @cached_property
    def likelihood_words(self) -> dict[str, int]:
        return _wording_table(self.likelihood, "likelihood")

    @cached_property
    def impact_words(self) -> dict[str, int]:
        return _wording_table(self.impact, "impact")

    @cached_property
    def matrix_flat(self) -> tuple[int, ...]:
        """Levels in row-major order: index (L-1)*5 + (I-1)."""
        return tuple(level for row in self.matrix.levels for level in row)

    @cached_property
    def memos(self) -> dict[Any, Any]:
        """Work kept for this methodology by the functions that do it (``scoring.parse_cells``,
        the 参数设置 reader), each under its own key: kept on the methodology, it goes with it."""
        return {}

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()  # a pickled methodology leaves the work kept for it behind
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k != "memos"}
        return state

    def level_name(self, level: int, lang: str = "zh") -> str:
        entry = self.risk_levels[level - 1]
        return entry.name_zh if lang == "zh" else entry.name_en

    def band_name(self, band: int, lang: str = "zh") -> str:
        entry = self.likelihood.levels[band - 1]
        return entry.name_zh if lang == "zh" else entry.name_en

    @cached_property
    def name_index(self) -> dict[str, dict[str, Coded]]:
        """Normalised code/name → entry for areas, responses and categories (looked up per row)."""
        return {kind: _name_index(getattr(self, kind)) for kind in ("areas", "responses", "categories")}

    def area(self, given: str) -> Coded | None:
        """The area a code or name (中文, short or English) refers to."""
        return self.name_index["areas"].get(normalize_word(str(given)))

    def response(self, given: str) -> Coded | None:
        return self.name_index["responses"].get(normalize_word(str(given)))

    def category(self, given: str) -> Coded | None:
        return self.name_index["categories"].get(normalize_word(str(given)))

    # --- files -------------------------------------------------------------------------------
    def to_toml(self) -> str:
        return tomli_w.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, source: str = "") -> Methodology:
        """Validate a plain mapping; errors name the field that is wrong."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InvalidMethodology(_problems_of(exc, source)) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Methodology:
        """Load a methodology file. Parts it leaves out keep the defaults."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InvalidMethodology(
                Problem.of("methodology_invalid", params={"detail": str(exc)}, file=str(path))
            ) from None
        return cls.from_mapping(merge_over_defaults(data), source=str(path))

    def override(self, changes: dict[str, Any]) -> Methodology:
        """A new methodology with parts replaced (used by the settings-sheet reader)."""
        base = self.model_dump(mode="python")
        return Methodology.from_mapping(_deep_merge(base, changes))


def _name_index(entries: tuple[Coded, ...]) -> dict[str, Coded]:
    index: dict[str, Coded] = {}
    for entry in entries:
        for name in entry.names():
            index.setdefault(normalize_word(name), entry)  # the first entry naming it wins
    return index


def _wording_table(scale: LikelihoodScale | ImpactScale, scale_name: str) -> dict[str, int]:
    table: dict[str, int] = {}

    def add(word: str, score: int) -> None:
        key = normalize_word(word)
        if key in table and table[key] != score:
            raise ValueError(f"{scale_name}: wording {word!r} means both {table[key]} and {score}")
        table[key] = score

    for level in scale.levels:
        for word in level.wordings():
            add(word, level.score)
    for coarse in scale.coarse:
        add(coarse.name_zh, coarse.score)
        add(coarse.name_en, coarse.score)
    return table


def _problems_of(exc: ValidationError, source: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        detail = err["msg"].removeprefix("Value error, ")
        problems.append(
            Problem.of(
                "methodology_invalid",
                params={"detail": f"{field}: {detail}"},
                field=field,
                file=source or None,
            )
        )
    return problems


def _deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


@cache
def _default_data() -> dict[str, Any]:
    return read_toml("methodology.toml")


def merge_over_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A partial methodology mapping completed with the defaults."""
    return _deep_merge(_default_data(), data)


@cache
def default_methodology() -> Methodology:
    """The seeds' methodology (tables 1–3 of the manual template)."""
    return Methodology.from_mapping(_default_data(), source="icx/data/methodology.toml")


def load_methodology(path: str | Path | None = None) -> Methodology:
    """The methodology in ``path``, or the defaults when no path is given."""
    return default_methodology() if path is None else Methodology.from_toml(path)
